//! Transparency: the plan explained, progress shared about monthly (with exactly what
//! the family saw), the family's replies, and a quick update now and then.

use alliance_domain::chart::{ChartValues, chart_values, snapshot};
use alliance_domain::model::{Communication, Goal, SharedGoal};
use alliance_domain::values::{Channel, CommunicationKind, Visibility};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, Set};

use super::{Lapse, Story};
use crate::communications::NewCommunication;
use crate::demo::Loader;
use crate::demo::practice_seeds::*;
use crate::entities::{communication, communication_reply};
use crate::error::IntoDomain;
use crate::{StoreResult, communications, progress};

impl Loader<'_> {
    /// The explanation of the plan, monthly data shares (some answered by a caregiver),
    /// and sometimes a quick update in between.
    pub(super) async fn communications(&mut self, story: &mut Story<'_, '_>) -> StoreResult<()> {
        let family = story.family;
        let timeline = family.timeline;
        let spanish = family.caregivers[0].language == "es";

        let mut summary = story.fill_pick(EXPLANATIONS);
        if spanish {
            summary.push_str(EXPLANATION_NOTE_ES);
        }
        let explained_at = story.days_after(timeline.goals_set, 2, 6);
        self.communicate(
            story,
            CommunicationKind::Explanation,
            Channel::InPerson,
            summary,
            explained_at,
            Vec::new(),
        )
        .await?;

        // Data shares, about monthly, the latest as the alliance keeps up.
        let observations = progress::observations(self.tx, &story.goal_ids()).await?;
        let earliest = timeline.goals_set + Duration::days(11);
        let mut times = vec![story.last_done(Lapse::Sharing).1];
        loop {
            let back = Duration::days(story.rng.between(28, 35));
            let earlier = times[times.len() - 1] - back;
            if earlier < earliest {
                break;
            }
            times.push(earlier);
        }
        times.reverse();
        for around in times {
            let as_of = around - Duration::minutes(story.rng.between(30, 180));
            let mut shared = Vec::new();
            let mut gists = Vec::new();
            for (goal, _) in &family.goals {
                // As the API's logCommunication does: the goal's entries up to `as_of`.
                let seen: Vec<_> = observations
                    .iter()
                    .filter(|(g, o)| *g == goal.id && o.observed_at <= as_of)
                    .map(|(_, o)| *o)
                    .collect();
                let chart = chart_values(goal.measure.as_ref(), goal.created_at, &seen);
                gists.push(gist(goal, &chart));
                shared.push(SharedGoal {
                    goal_id: goal.id,
                    snapshot: snapshot(&chart),
                });
            }
            let summary = format!(
                "Sent {} {}'s progress: {}.",
                family.name_of(family.caregivers[0].id),
                family.call_name,
                gists.join("; ")
            );
            let channel = *story.rng.pick(&[
                Channel::Email,
                Channel::App,
                Channel::InPerson,
                Channel::Text,
            ]);
            let share = self
                .communicate(
                    story,
                    CommunicationKind::DataShare,
                    channel,
                    summary,
                    as_of,
                    shared,
                )
                .await?;
            self.outcome.data_shares += 1;
            if story.rng.chance(0.4) {
                self.reply(story, &share).await?;
            }
        }

        if story.rng.chance(0.5) {
            let span = (story.now - timeline.goals_set).num_days() - 2;
            let at = story.days_after(timeline.goals_set, 14.min(span), span.max(14));
            let which = story.rng.between(0, UPDATES.len() as i64 - 1) as usize;
            let summary = story.fill(UPDATES[which]);
            let channel = UPDATE_CHANNELS[which];
            self.communicate(
                story,
                CommunicationKind::Update,
                channel,
                summary,
                at,
                Vec::new(),
            )
            .await?;
        }
        Ok(())
    }

    /// Logs a communication from the teacher to the caregivers. For a data share, `at`
    /// is the as-of time of what was shared, and the share itself follows shortly after.
    async fn communicate(
        &mut self,
        story: &mut Story<'_, '_>,
        kind: CommunicationKind,
        channel: Channel,
        summary: String,
        at: DateTime<Utc>,
        shared: Vec<SharedGoal>,
    ) -> StoreResult<Communication> {
        let family = story.family;
        let (occurred_at, as_of) = if kind == CommunicationKind::DataShare {
            (story.soon_after(at, 30, 180), Some(at))
        } else {
            (at, None)
        };
        let created = communications::create(
            self.tx,
            NewCommunication {
                alliance_id: family.alliance.id,
                kind,
                channel,
                from_member: Some(family.lead().id),
                recipients: family.caregivers.iter().map(|c| c.id).collect(),
                summary,
                occurred_at,
                as_of,
                visibility: Visibility::Alliance,
                recorded_by_subject: family.lead().staff.subject.clone(),
                shared,
            },
        )
        .await?;
        let created_at = story.soon_after(occurred_at, 5, 120);
        communication::ActiveModel {
            id: Set(created.id.0),
            created_at: Set(created_at),
            ..Default::default()
        }
        .update(self.tx)
        .await
        .domain()?;
        self.outcome.communications += 1;
        Ok(Communication {
            created_at,
            ..created
        })
    }

    /// The first caregiver answers a share, in their words.
    async fn reply(&mut self, story: &mut Story<'_, '_>, share: &Communication) -> StoreResult<()> {
        let caregiver = &story.family.caregivers[0];
        let table = if caregiver.language == "es" {
            REPLIES_ES
        } else {
            REPLIES
        };
        let words = story.fill_pick(table);
        let reply = communications::reply(self.tx, share.id, caregiver.id, words).await?;
        let at = story.soon_after(share.occurred_at, 60, 36 * 60);
        communication_reply::ActiveModel {
            id: Set(reply.id.0),
            created_at: Set(at),
            ..Default::default()
        }
        .update(self.tx)
        .await
        .domain()?;
        self.outcome.replies += 1;
        Ok(())
    }
}

/// A goal's progress in a few words, for the summary of a share.
fn gist(goal: &Goal, chart: &ChartValues) -> String {
    match (&goal.measure, chart.summary.latest_value) {
        (Some(m), Some(latest)) => format!(
            "{}: {latest} ({}; started at {}, aiming for {})",
            m.name,
            m.unit.as_deref().unwrap_or("count"),
            m.baseline,
            m.target
        ),
        _ => format!(
            "the weekly notes on \u{201c}{}\u{201d}",
            goal.own_words.trim_end_matches('.')
        ),
    }
}
