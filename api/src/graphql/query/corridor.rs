use async_graphql::Object;

use crate::{error::AppError, graphql::types::Corridor, vocab};

#[derive(Default)]
pub struct CorridorQuery;

#[Object]
impl CorridorQuery {
    /// A migration corridor: its recruiters (certified first), commitments and training.
    async fn corridor(&self, origin: String, destination: String) -> async_graphql::Result<Corridor> {
        vocab::check_country(&origin).map_err(|message| AppError::BadInput(format!("origin: {message}")))?;
        vocab::check_country(&destination).map_err(|message| AppError::BadInput(format!("destination: {message}")))?;
        if origin == destination {
            return Err(AppError::bad_input("origin and destination must be different countries").into());
        }
        Ok(Corridor { origin, destination })
    }
}
