//! Golden responses: the simulator (seed 42, default config) must keep answering
//! these requests with exactly the bytes captured under `tests/golden/`.
//!
//! To re-capture after an intended change, run with `UNIDESK_SIM_GOLDEN=write`.

use std::path::PathBuf;

use reqwest::Method;
use serde_json::{Value, json};
use unidesk_kustomer_sim::{SimConfig, Simulator};

/// One request and the name of its golden file.
struct Case {
    name: &'static str,
    method: Method,
    path: String,
    body: Option<String>,
    status: u16,
}

impl Case {
    fn get(name: &'static str, path: impl Into<String>) -> Case {
        Case { name, method: Method::GET, path: path.into(), body: None, status: 200 }
    }

    fn post(name: &'static str, path: impl Into<String>, body: Value) -> Case {
        Case { name, method: Method::POST, path: path.into(), body: Some(body.to_string()), status: 200 }
    }

    fn status(mut self, status: u16) -> Case {
        self.status = status;
        self
    }
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden")
}

async fn send(http: &reqwest::Client, sim: &Simulator, case: &Case) -> (u16, String, Vec<u8>) {
    let mut req =
        http.request(case.method.clone(), format!("{}{}", sim.base_url(), case.path)).bearer_auth(sim.api_key());
    if let Some(body) = &case.body {
        req = req.header("content-type", "application/json").body(body.clone());
    }
    let resp = req.send().await.expect("request sent");
    let status = resp.status().as_u16();
    let ctype = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, ctype, resp.bytes().await.expect("body read").to_vec())
}

fn id_at(listing: &[u8], index: usize) -> String {
    let doc: Value = serde_json::from_slice(listing).expect("listing is JSON");
    doc["data"][index]["id"].as_str().expect("record has an id").to_owned()
}

#[tokio::test]
async fn listing_search_and_error_bodies_match_the_golden_bytes() {
    let sim = Simulator::start(SimConfig::default()).await.expect("simulator starts");
    let http = reqwest::Client::new();
    let write = std::env::var("UNIDESK_SIM_GOLDEN").is_ok_and(|v| v == "write");

    let first = Case::get("conversations_page1", "/v1/conversations?page=1&pageSize=100");
    let (_, _, listing) = send(&http, &sim, &first).await;
    // Conversation 8 has three messages, the first with an attachment; 9 has a note.
    let with_attachment = id_at(&listing, 8);
    let with_note = id_at(&listing, 9);
    let customers = send(&http, &sim, &Case::get("", "/v1/customers?page=1&pageSize=1")).await.2;
    let customer = id_at(&customers, 0);
    let messages = send(&http, &sim, &Case::get("", format!("/v1/conversations/{with_attachment}/messages"))).await.2;
    let message = id_at(&messages, 0);

    let conversation_search = json!({
        "queryContext": "conversation",
        "and": [{ "conversation_updated_at": { "gte": "2024-01-31T01:00:00Z" } }],
        "sort": [{ "conversation_updated_at": "asc" }],
    });
    let message_search = json!({
        "queryContext": "message",
        "and": [
            { "message_created_at": { "gte": "2024-01-02" } },
            { "message_updated_at": { "lt": "2024-01-05T00:00:00.000Z" } },
        ],
        "sort": [{ "message_updated_at": "desc" }],
    });
    let cases = vec![
        first,
        Case::get("customers_page3", "/v1/customers?page=3&pageSize=100"),
        Case::get("companies_page3", "/v1/companies?page=3&pageSize=20"),
        Case::get("tags_page3", "/v1/tags?page=3&pageSize=10"),
        Case::get("teams_page3", "/v1/teams?page=3&pageSize=2"),
        Case::get("users_page3", "/v1/users?page=3&pageSize=10"),
        Case::get("messages_of_conversation", format!("/v1/conversations/{with_attachment}/messages")),
        Case::get(
            "messages_of_conversation_with_attachments",
            format!("/v1/conversations/{with_attachment}/messages?include=attachments&pageSize=2&page=1"),
        ),
        Case::get("notes_of_conversation", format!("/v1/conversations/{with_note}/notes")),
        Case::get("conversations_of_customer", format!("/v1/customers/{customer}/conversations?pageSize=3")),
        Case::post("search_conversations_updated_gte", "/v1/customers/search?page=2&pageSize=50", conversation_search),
        Case::post("search_messages_desc", "/v1/customers/search?page=1&pageSize=25", message_search),
        Case::get("conversation_one", format!("/v1/conversations/{with_attachment}?include=messages")),
        Case::get("message_one_with_attachment", format!("/v1/messages/{message}")),
        Case::get("customer_by_email", "/v1/customers/email=C5.2%40Mail.example"),
        Case::get("customer_by_external_id", "/v1/customers/externalId=user-7"),
        Case::get("error_unknown_route", "/v1/nothing-here").status(404),
        Case::get("error_unknown_conversation", "/v1/conversations/0000000000000000deadbeef").status(404),
        Case::get("error_messages_of_unknown_conversation", "/v1/conversations/nope/messages").status(404),
        Case::get("error_bad_page", "/v1/conversations?page=0").status(400),
        Case::post("error_search_past_cap", "/v1/customers/search?page=101", json!({ "queryContext": "customer" }))
            .status(400),
        Case {
            name: "error_invalid_json",
            method: Method::PATCH,
            path: format!("/v1/conversations/{with_note}"),
            body: Some("{\"status\": ".into()),
            status: 400,
        },
    ];

    let dir = golden_dir();
    if write {
        std::fs::create_dir_all(&dir).expect("golden dir");
    }
    let mut mismatches = Vec::new();
    for case in &cases {
        let (status, ctype, body) = send(&http, &sim, case).await;
        assert_eq!(status, case.status, "{}: status", case.name);
        assert_eq!(ctype, "application/json; charset=utf-8", "{}: content-type", case.name);
        let file = dir.join(format!("{}.json", case.name));
        if write {
            std::fs::write(&file, &body).expect("golden written");
            continue;
        }
        let want = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if want != body {
            mismatches.push(format!(
                "{}: {} bytes, golden {} bytes\n  got:  {}\n  want: {}",
                case.name,
                body.len(),
                want.len(),
                String::from_utf8_lossy(&body[..body.len().min(400)]),
                String::from_utf8_lossy(&want[..want.len().min(400)]),
            ));
        }
    }
    assert!(mismatches.is_empty(), "responses differ from the golden bytes:\n{}", mismatches.join("\n"));
}
