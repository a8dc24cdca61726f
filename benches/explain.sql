.print "-- a. lookup by certificate number (verifyCertificate)"
EXPLAIN QUERY PLAN SELECT * FROM certification WHERE number_key = 'ers-np-2024-0000001' AND archived_at IS NULL AND EXISTS (SELECT 1 FROM recruiter AS holder WHERE holder.id = certification.recruiter_id AND holder.archived_at IS NULL) LIMIT 1;
.print "-- b. corridor page: first 21 rows, certified first, then by name"
EXPLAIN QUERY PLAN SELECT * FROM recruiter_corridor WHERE origin = 'ID' AND destination = 'HK' AND listed = 1 ORDER BY CASE WHEN certified_until >= '2026-11-30' THEN 0 ELSE 1 END, legal_name, recruiter_id LIMIT 21;
.print "-- b. corridor page after a cursor (row-value seek)"
EXPLAIN QUERY PLAN SELECT * FROM recruiter_corridor WHERE origin = 'ID' AND destination = 'HK' AND listed = 1 AND (CASE WHEN certified_until >= '2026-11-30' THEN 0 ELSE 1 END, legal_name, recruiter_id) > (0, 'M', 5) ORDER BY CASE WHEN certified_until >= '2026-11-30' THEN 0 ELSE 1 END, legal_name, recruiter_id LIMIT 21;
.print "-- b. corridor totalCount"
EXPLAIN QUERY PLAN SELECT COUNT(*) FROM (SELECT * FROM recruiter_corridor WHERE origin = 'ID' AND destination = 'HK' AND listed = 1) AS filtered;
.print "-- b. the page's recruiters"
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
