//! `schema.graphql` at the repository root must equal the schema the code builds.

#[test]
fn checked_in_schema_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema.graphql");
    let built = alliance_graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &built).expect("write schema.graphql");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == built,
        "schema.graphql differs from the schema the code builds; \
         regenerate it with `UPDATE_SCHEMA=1 cargo test -p alliance-graphql --test schema` and review the diff"
    );
}
