//! Users' team ids, inverted from the teams' `members` (built by `resources/user_teams.rs`,
//! cached in the client).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use unidesk_core::{Team, User};

/// How long a team inversion is reused by default.
pub(crate) const DEFAULT_TTL: Duration = Duration::from_secs(60);

/// Users' team ids, inverted from the teams' `members`, and when that was done.
#[derive(Debug)]
pub(crate) struct TeamIndex {
    /// When it was built (the cache's age).
    pub(crate) built: Instant,
    by_user: HashMap<String, Vec<String>>,
}

impl TeamIndex {
    /// The inversion of `teams`: each user's teams in the order the teams come, each once.
    /// Teams Kustomer reports deleted are left out.
    pub(crate) fn build(teams: &[Team]) -> Self {
        let mut by_user: HashMap<String, Vec<String>> = HashMap::new();
        for team in teams.iter().filter(|t| !t.remote_was_deleted) {
            for member in &team.member_ids {
                let ids = by_user.entry(member.clone()).or_default();
                if !ids.contains(&team.id) {
                    ids.push(team.id.clone());
                }
            }
        }
        TeamIndex { built: Instant::now(), by_user }
    }

    /// The teams of user `id`, in team order.
    pub(crate) fn teams_of(&self, id: &str) -> Vec<String> {
        self.by_user.get(id).cloned().unwrap_or_default()
    }

    /// Sets `team_ids` on each of `users`.
    pub(crate) fn fill(&self, users: &mut [User]) {
        for u in users {
            u.team_ids = self.teams_of(&u.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(id: &str, members: &[&str], deleted: bool) -> Team {
        Team {
            id: id.into(),
            member_ids: members.iter().map(|m| (*m).to_owned()).collect(),
            remote_was_deleted: deleted,
            ..Default::default()
        }
    }

    #[test]
    fn users_get_their_teams_in_team_order_once_each() {
        let teams = [
            team("t1", &["u1", "u2"], false),
            team("t2", &["u2", "u1", "u2"], false),
            team("t1", &["u1"], false),
            team("t3", &["u1"], true),
            team("t4", &["u3", "u2"], false),
        ];
        let index = TeamIndex::build(&teams);
        assert_eq!(index.teams_of("u1"), ["t1", "t2"], "a team listed twice counts once; deleted teams not at all");
        assert_eq!(index.teams_of("u2"), ["t1", "t2", "t4"]);
        assert_eq!(index.teams_of("u3"), ["t4"]);
        assert!(index.teams_of("nobody").is_empty());
        let mut users =
            vec![User { id: "u3".into(), ..Default::default() }, User { id: "u9".into(), ..Default::default() }];
        index.fill(&mut users);
        assert_eq!((users[0].team_ids.clone(), users[1].team_ids.clone()), (vec!["t4".to_owned()], vec![]));
    }
}
