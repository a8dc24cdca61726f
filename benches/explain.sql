.print "-- a. lookup by certificate number (verifyCertificate), the holder joined in the same statement"
EXPLAIN QUERY PLAN SELECT certification.*, recruiter.* FROM certification INNER JOIN recruiter ON certification.recruiter_id = recruiter.id WHERE certification.number_key = 'ers-np-2024-0000001' AND certification.archived_at IS NULL AND recruiter.archived_at IS NULL LIMIT 1;
.print "-- a. lookup when the answer does not show the holder"
EXPLAIN QUERY PLAN SELECT * FROM certification WHERE number_key = 'ers-np-2024-0000001' AND archived_at IS NULL AND EXISTS (SELECT 1 FROM recruiter AS holder WHERE holder.id = certification.recruiter_id AND holder.archived_at IS NULL) LIMIT 1;
.print "-- b. corridor page forwards, first walk: the certified, by name, with their recruiters"
EXPLAIN QUERY PLAN SELECT recruiter_corridor.*, recruiter.* FROM recruiter_corridor INNER JOIN recruiter ON recruiter_corridor.recruiter_id = recruiter.id WHERE recruiter_corridor.origin = 'ID' AND recruiter_corridor.destination = 'HK' AND recruiter_corridor.listed = 1 AND recruiter_corridor.certified_until >= '2026-11-30' ORDER BY recruiter_corridor.legal_name, recruiter_corridor.recruiter_id LIMIT 21;
.print "-- b. corridor page forwards, second walk (when the certified do not fill the page): the others"
EXPLAIN QUERY PLAN SELECT recruiter_corridor.*, recruiter.* FROM recruiter_corridor INNER JOIN recruiter ON recruiter_corridor.recruiter_id = recruiter.id WHERE recruiter_corridor.origin = 'ID' AND recruiter_corridor.destination = 'HK' AND recruiter_corridor.listed = 1 AND (recruiter_corridor.certified_until IS NULL OR recruiter_corridor.certified_until < '2026-11-30') AND (recruiter_corridor.legal_name, recruiter_corridor.recruiter_id) > ('M', 5) ORDER BY recruiter_corridor.legal_name, recruiter_corridor.recruiter_id LIMIT 21;
.print "-- b. corridor page backwards (rare): the general keyset query, certified first, then by name"
EXPLAIN QUERY PLAN SELECT * FROM recruiter_corridor WHERE origin = 'ID' AND destination = 'HK' AND listed = 1 ORDER BY CASE WHEN certified_until >= '2026-11-30' THEN 0 ELSE 1 END, legal_name, recruiter_id LIMIT 21;
.print "-- b. corridor page backwards after a cursor (row-value seek)"
EXPLAIN QUERY PLAN SELECT * FROM recruiter_corridor WHERE origin = 'ID' AND destination = 'HK' AND listed = 1 AND (CASE WHEN certified_until >= '2026-11-30' THEN 0 ELSE 1 END, legal_name, recruiter_id) > (0, 'M', 5) ORDER BY CASE WHEN certified_until >= '2026-11-30' THEN 0 ELSE 1 END, legal_name, recruiter_id LIMIT 21;
.print "-- b. corridor totalCount"
EXPLAIN QUERY PLAN SELECT COUNT(*) FROM (SELECT * FROM recruiter_corridor WHERE origin = 'ID' AND destination = 'HK' AND listed = 1) AS filtered;
.print "-- b. the page's recruiters (backwards pages only)"
EXPLAIN QUERY PLAN SELECT * FROM recruiter WHERE id IN (1, 2, 3);
.print "-- recruiters(filter: {certified: true}) by name"
EXPLAIN QUERY PLAN SELECT * FROM recruiter WHERE archived_at IS NULL AND certified_until >= '2026-11-30' ORDER BY legal_name, id LIMIT 21;
.print "-- commitments(filter: {sector}): the join table's (sector, commitment_id) index"
EXPLAIN QUERY PLAN SELECT * FROM commitment WHERE archived_at IS NULL AND commitment.id IN (SELECT commitment_id FROM commitment_sector WHERE sector = 'construction') ORDER BY made_on DESC, id DESC LIMIT 21;
.print "-- trainingProviders(filter: {language})"
EXPLAIN QUERY PLAN SELECT * FROM training_provider WHERE archived_at IS NULL AND training_provider.id IN (SELECT provider_id FROM training_provider_language WHERE language = 'ne') ORDER BY name, id LIMIT 21;
.print "-- trainingListings(filter: {language})"
EXPLAIN QUERY PLAN SELECT * FROM training_listing WHERE archived_at IS NULL AND training_listing.id IN (SELECT listing_id FROM training_listing_language WHERE language = 'ne') ORDER BY starts_on, id LIMIT 21;
.timer on
.print "-- timings"
SELECT COUNT(*) FROM (SELECT * FROM recruiter_corridor WHERE origin = 'ID' AND destination = 'HK' AND listed = 1) AS filtered;
SELECT recruiter_id FROM recruiter_corridor WHERE origin = 'ID' AND destination = 'HK' AND listed = 1 ORDER BY CASE WHEN certified_until >= '2026-11-30' THEN 0 ELSE 1 END, legal_name, recruiter_id LIMIT 21;
