//! Every error carries an `extensions.code`, including the ones the GraphQL executor
//! raises before any resolver runs.

use alliance_tests::{Fixture, error_code, spawn_app};
use serde_json::json;

#[tokio::test]
async fn a_query_that_does_not_validate_is_bad_user_input() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    for query in [
        "{ students { nodes { noSuchField } } }",
        "{ students(first: \"many\") { totalCount } }",
        "{ students { totalCount ",
        "mutation { addAllianceMember(input: { allianceId: \"x\", personId: \"y\", role: KING }) { member { id } } }",
    ] {
        let response = app.graphql(query, json!({}), Some(&token)).await;
        assert_eq!(
            error_code(&response),
            Some("BAD_USER_INPUT"),
            "{query}: {response}"
        );
    }
}

#[tokio::test]
async fn a_query_deeper_than_the_limit_is_refused_with_a_code() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let mut query = String::from("id");
    for _ in 0..8 {
        query = format!("alliance {{ student {{ {query} }} }}");
    }
    let response = app
        .graphql(
            &format!("{{ student(id: \"{}\") {{ {query} }} }}", f.student_1),
            json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
    assert!(response["data"].is_null(), "{response}");
}

#[tokio::test]
async fn a_malformed_id_is_bad_user_input_and_an_unknown_one_not_found() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let response = app
        .graphql(
            "{ student(id: \"not-an-id\") { id } }",
            json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
    let goal_as_student = app
        .graphql(
            "query($id: ID!) { student(id: $id) { id } }",
            json!({ "id": f.goal_1 }),
            Some(&token),
        )
        .await;
    assert_eq!(
        error_code(&goal_as_student),
        Some("BAD_USER_INPUT"),
        "{goal_as_student}"
    );
    let gone = alliance_graphql::global_id("Student", uuid::Uuid::now_v7()).0;
    let response = app
        .graphql(
            "query($id: ID!) { student(id: $id) { id } }",
            json!({ "id": gone }),
            Some(&token),
        )
        .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"), "{response}");
}

#[tokio::test]
async fn each_mutation_in_a_document_sees_the_changes_before_it() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let response = app
        .graphql(
            "mutation($goal: ID!) {
               a: recordProgress(input: { goalId: $goal, value: 3 }) { goal { progress { totalCount } } }
               b: recordProgress(input: { goalId: $goal, value: 4 }) { goal { progress { totalCount } } }
             }",
            json!({ "goal": f.goal_1 }),
            Some(&token),
        )
        .await;
    assert_eq!(
        response["data"]["a"]["goal"]["progress"]["totalCount"], 4,
        "{response}"
    );
    assert_eq!(
        response["data"]["b"]["goal"]["progress"]["totalCount"], 5,
        "{response}"
    );
}
