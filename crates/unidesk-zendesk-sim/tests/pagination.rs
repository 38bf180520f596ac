//! Cursor and offset walks return every live record exactly once, with absolute links.

mod common;

use std::collections::BTreeSet;

use common::{get, ids, sim};

#[tokio::test]
async fn a_cursor_walk_returns_every_live_ticket_once() {
    let sim = sim(237).await;
    let mut seen = Vec::new();
    let mut url = "/api/v2/tickets.json?page[size]=25".to_owned();
    loop {
        let (status, doc) = get(&sim, &url).await;
        assert_eq!(status, 200, "{doc}");
        seen.extend(ids(&doc, "tickets"));
        if !doc["meta"]["has_more"].as_bool().expect("has_more") {
            break;
        }
        let next = doc["links"]["next"].as_str().expect("links.next").to_owned();
        assert!(next.starts_with(&sim.base_url()), "absolute link: {next}");
        url = next;
    }
    assert_eq!(seen, sim.ticket_ids());
    assert_eq!(seen.len(), 237);
}

#[tokio::test]
async fn page_after_and_page_before_move_both_ways() {
    let sim = sim(40).await;
    let (_, first) = get(&sim, "/api/v2/tickets?page[size]=10").await;
    let after = first["meta"]["after_cursor"].as_str().expect("after").to_owned();
    let (_, second) = get(&sim, &format!("/api/v2/tickets?page[size]=10&page[after]={after}")).await;
    let before = second["meta"]["before_cursor"].as_str().expect("before").to_owned();
    let (_, back) = get(&sim, &format!("/api/v2/tickets?page[size]=10&page[before]={before}")).await;
    assert_eq!(ids(&back, "tickets"), ids(&first, "tickets"));
    assert!(ids(&second, "tickets")[0] > *ids(&first, "tickets").last().expect("ids"));
    let (status, doc) = get(&sim, "/api/v2/tickets?page[size]=10&page[after]=bogus").await;
    assert_eq!((status, doc["error"].as_str()), (400, Some("InvalidParameter")));
}

#[tokio::test]
async fn an_offset_walk_returns_every_live_ticket_once_and_counts_them() {
    let sim = sim(237).await;
    let mut seen = Vec::new();
    let mut next = Some(format!("{}/api/v2/tickets.json?per_page=30", sim.base_url()));
    while let Some(url) = next {
        let (status, doc) = get(&sim, &url).await;
        assert_eq!(status, 200);
        assert_eq!(doc["count"], 237);
        seen.extend(ids(&doc, "tickets"));
        next = doc["next_page"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, sim.ticket_ids());
    let (status, doc) = get(&sim, "/api/v2/tickets.json?page=101").await;
    assert_eq!((status, doc["error"].as_str()), (400, Some("InvalidPaginationParameter")));
}

#[tokio::test]
async fn users_split_by_role_and_cover_every_user() {
    let sim = sim(20).await;
    let mut all = BTreeSet::new();
    let mut inactive = 0;
    for role in ["end-user", "agent", "admin"] {
        let mut url = format!("/api/v2/users?role={role}&page[size]=100");
        loop {
            let (_, doc) = get(&sim, &url).await;
            for u in doc["users"].as_array().expect("users") {
                assert_eq!(u["role"], role);
                inactive += usize::from(u["active"] == false);
                assert!(all.insert(u["id"].as_i64().expect("id")));
            }
            match doc["links"]["next"].as_str() {
                Some(next) if doc["meta"]["has_more"] == true => url = next.to_owned(),
                _ => break,
            }
        }
    }
    assert_eq!(all.len(), sim.count("users"));
    assert!(inactive >= 2, "some users are inactive");
    let (_, doc) = get(&sim, "/api/v2/users?role[]=agent&role[]=admin&per_page=100").await;
    assert_eq!(doc["count"], 15);
}

#[tokio::test]
async fn comments_come_oldest_first_with_notes_and_attachments_somewhere() {
    let sim = sim(60).await;
    let (mut public, mut private, mut with_files) = (0, 0, 0);
    for id in sim.ticket_ids() {
        let (status, doc) = get(&sim, &format!("/api/v2/tickets/{id}/comments.json?include=users")).await;
        assert_eq!(status, 200);
        let comments = doc["comments"].as_array().expect("comments");
        let times: Vec<&str> = comments.iter().map(|c| c["created_at"].as_str().expect("time")).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "ascending: {times:?}");
        for c in comments {
            if c["public"] == true {
                public += 1
            } else {
                private += 1
            }
            with_files += usize::from(!c["attachments"].as_array().expect("attachments").is_empty());
            let author = c["author_id"].as_i64().expect("author");
            assert!(doc["users"].as_array().expect("side-loaded users").iter().any(|u| u["id"] == author));
        }
        let (_, desc) = get(&sim, &format!("/api/v2/tickets/{id}/comments?sort_order=desc")).await;
        let mut rev = ids(&desc, "comments");
        rev.reverse();
        assert_eq!(rev, ids(&doc, "comments"));
    }
    assert!(public > 0 && private > 0 && with_files > 0, "{public} public, {private} private, {with_files} with files");
}

#[tokio::test]
async fn the_seed_covers_every_status_unicode_tags_and_domains() {
    let sim = sim(120).await;
    let (_, doc) = get(&sim, "/api/v2/tickets?per_page=100").await;
    let (_, doc2) = get(&sim, "/api/v2/tickets?per_page=100&page=2").await;
    let statuses: BTreeSet<&str> = doc["tickets"]
        .as_array()
        .into_iter()
        .chain(doc2["tickets"].as_array())
        .flatten()
        .map(|t| t["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["closed", "hold", "new", "open", "pending", "solved"].into_iter().collect());
    let (_, tags) = get(&sim, "/api/v2/tags?page[size]=100").await;
    assert!(
        tags["tags"].as_array().expect("tags").iter().any(|t| t["name"] == "日本語" && t["count"].as_u64() > Some(0))
    );
    let (_, orgs) = get(&sim, "/api/v2/organizations").await;
    assert!(orgs["organizations"][0]["domain_names"].as_array().is_some_and(|d| !d.is_empty()));
    let (_, groups) = get(&sim, "/api/v2/groups").await;
    let group = groups["groups"][0]["id"].as_i64().expect("group");
    let (_, members) = get(&sim, &format!("/api/v2/groups/{group}/memberships.json")).await;
    assert!(!ids(&members, "group_memberships").is_empty());
    for (path, key) in [
        ("ticket_fields", "ticket_fields"),
        ("user_fields", "user_fields"),
        ("organization_fields", "organization_fields"),
    ] {
        let (status, doc) = get(&sim, &format!("/api/v2/{path}.json")).await;
        assert_eq!(status, 200);
        assert!(doc[key].as_array().is_some_and(|f| f.len() >= 3), "{path}");
    }
    let (_, deleted) = get(&sim, "/api/v2/deleted_tickets?page[size]=100").await;
    assert_eq!(ids(&deleted, "deleted_tickets").len(), sim.count("deleted_tickets"));
    assert!(sim.count("deleted_tickets") > 0);
}

#[tokio::test]
async fn users_are_found_by_email_and_external_id() {
    let sim = sim(5).await;
    let (_, doc) = get(&sim, "/api/v2/users.json?role=end-user&per_page=10").await;
    let user = doc["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["email"].is_string() && u["external_id"].is_string())
        .cloned()
        .expect("a user");
    let email = user["email"].as_str().expect("email").to_uppercase();
    let (status, found) = get(&sim, &format!("/api/v2/users/search.json?query=email:{email}")).await;
    assert_eq!((status, ids(&found, "users")), (200, vec![user["id"].as_i64().expect("id")]));
    let ext = user["external_id"].as_str().expect("external id");
    let (_, found) = get(&sim, &format!("/api/v2/users/search?external_id={ext}")).await;
    assert_eq!(found["count"], 1);
    let (_, none) = get(&sim, "/api/v2/users/search?query=email:nobody@nowhere.example").await;
    assert_eq!(none["count"], 0);
}
