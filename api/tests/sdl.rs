//! The public contract: any change to the schema shows up in review as a snapshot diff.

#[test]
fn schema_sdl_is_unchanged() {
    insta::assert_snapshot!("schema", directory_api::graphql::schema::sdl());
}
