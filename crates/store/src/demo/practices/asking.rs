//! Accountability, asking: check-ins to caregivers and older students, their answers,
//! and the concerns those raise under the district's thresholds.

use std::collections::HashMap;

use alliance_domain::feedback::{self, Scores};
use alliance_domain::ids::MemberId;
use alliance_domain::model::{DistrictSettings, FeedbackResponse};
use alliance_domain::values::FeedbackAudience;
use chrono::Duration;
use sea_orm::{ActiveModelTrait, Set};

use super::{Heard, Lapse, Story};
use crate::demo::practice_seeds::*;
use crate::demo::{Loader, Rng};
use crate::entities::{feedback_request, feedback_response};
use crate::error::IntoDomain;
use crate::feedback::{NewRequest, NewResponse};
use crate::{StoreResult, feedback as checkins};

/// Someone asked for check-ins.
struct Respondent {
    member: MemberId,
    audience: FeedbackAudience,
    /// The check-in's language, as the API would choose it from their preferred language.
    language: &'static str,
    /// How they usually score an item.
    level: i64,
}

impl Loader<'_> {
    /// Check-ins every two or three weeks to the first caregiver, a student of grade 3 or
    /// older, and sometimes the second caregiver; most answered well, one a concern where
    /// the alliance has one, the latest sometimes still pending. Concerns are found as
    /// the API finds them: the district's thresholds against the respondent's previous
    /// answer. Returns the answers, oldest first.
    pub(super) async fn feedback(
        &mut self,
        story: &mut Story<'_, '_>,
    ) -> StoreResult<Vec<FeedbackResponse>> {
        let family = story.family;
        let settings = self.outcome.district.settings.clone();
        let mut respondents = vec![Respondent {
            member: family.caregivers[0].id,
            audience: FeedbackAudience::Adult,
            language: feedback::language_for(Some(family.caregivers[0].language)),
            level: story.rng.between(7, 9),
        }];
        if !family.young() {
            respondents.push(Respondent {
                member: family.student,
                audience: FeedbackAudience::Child,
                language: feedback::language_for(Some(family.seed.language)),
                level: story.rng.between(7, 9),
            });
        }
        if let Some(second) = family.caregivers.get(1)
            && story.rng.chance(0.4)
        {
            respondents.push(Respondent {
                member: second.id,
                audience: FeedbackAudience::Adult,
                language: feedback::language_for(Some(second.language)),
                level: story.rng.between(7, 9),
            });
        }
        let concerned = if story.heard == Heard::Fine {
            None
        } else if respondents.len() > 1
            && respondents[1].audience == FeedbackAudience::Child
            && story.rng.chance(0.4)
        {
            Some(1)
        } else {
            Some(0)
        };

        let earliest = family.timeline.goals_set + Duration::days(10);
        // Each round: how many days ago (so what counts as recent does not depend on
        // the time of day the demo is loaded), and when.
        let mut rounds = vec![story.last_done(Lapse::Feedback)];
        loop {
            let back = story.rng.between(14, 21);
            let (days, at) = rounds[rounds.len() - 1];
            let earlier = at - Duration::days(back);
            if earlier < earliest {
                break;
            }
            rounds.push((days + back, earlier));
        }
        rounds.reverse();
        let concern_round = match story.heard {
            Heard::Fine => None,
            Heard::OpenConcern => Some(rounds.len() - 1),
            Heard::AnsweredConcern => Some(rounds.len().saturating_sub(2)),
        };

        let mut previous: HashMap<MemberId, i32> = Default::default();
        let mut answers = Vec::new();
        for (round, (days_ago, asked)) in rounds.iter().copied().enumerate() {
            for (who, respondent) in respondents.iter().enumerate() {
                let requested_at = asked + Duration::minutes(3 * who as i64);
                let request = checkins::request(
                    self.tx,
                    NewRequest {
                        alliance_id: family.alliance.id,
                        member_id: respondent.member,
                        audience: respondent.audience,
                        language: respondent.language.to_owned(),
                        due_date: requested_at.date_naive() + Duration::days(7),
                        requested_by_subject: family.lead().staff.subject.clone(),
                    },
                )
                .await?;
                feedback_request::ActiveModel {
                    id: Set(request.id.0),
                    requested_at: Set(requested_at),
                    ..Default::default()
                }
                .update(self.tx)
                .await
                .domain()?;
                self.outcome.feedback_requests += 1;

                let concern = concerned == Some(who) && concern_round == Some(round);
                // Still pending: asked within the week, so due in the future.
                let recent = days_ago <= 6;
                let answered = concern
                    || if round + 1 == rounds.len() && recent {
                        !story.rng.chance(0.6)
                    } else {
                        !story.rng.chance(0.08)
                    };
                if !answered {
                    continue;
                }
                let before = previous.get(&respondent.member).copied();
                let scores = if concern {
                    concerning_scores(&mut story.rng, before, &settings)
                } else {
                    fine_scores(&mut story.rng, respondent.level, before, &settings)
                };
                let reasons: Vec<String> = feedback::concerns(&scores, before, &settings)
                    .iter()
                    .map(|r| r.describe())
                    .collect();
                debug_assert_eq!(reasons.is_empty(), !concern, "{scores:?} after {before:?}");
                let (_, _, fine, low) = COMMENTS
                    .iter()
                    .find(|(a, l, _, _)| *a == respondent.audience && *l == respondent.language)
                    .unwrap_or(&COMMENTS[0]);
                let comment = if concern {
                    Some(story.fill_pick(low))
                } else if story.rng.chance(0.3) {
                    Some(story.fill_pick(fine))
                } else {
                    None
                };
                let response = checkins::submit(
                    self.tx,
                    &request,
                    NewResponse {
                        language: respondent.language.to_owned(),
                        scores,
                        comment,
                        concern_reasons: reasons,
                    },
                )
                .await?;
                let submitted_at = story.soon_after(requested_at, 3 * 60, 96 * 60);
                feedback_request::ActiveModel {
                    id: Set(request.id.0),
                    answered_at: Set(Some(submitted_at)),
                    ..Default::default()
                }
                .update(self.tx)
                .await
                .domain()?;
                feedback_response::ActiveModel {
                    id: Set(response.id.0),
                    submitted_at: Set(submitted_at),
                    ..Default::default()
                }
                .update(self.tx)
                .await
                .domain()?;
                previous.insert(respondent.member, scores.total());
                self.outcome.feedback_responses += 1;
                if response.is_concern() {
                    self.outcome.concerns += 1;
                    story.respondent = family.name_of(respondent.member).to_owned();
                }
                answers.push(FeedbackResponse {
                    submitted_at,
                    ..response
                });
            }
        }
        answers.sort_by_key(|a| a.submitted_at);
        Ok(answers)
    }
}

/// Scores of a respondent content with the team: every item above the district's item
/// threshold, and the total not dropping by the district's drop threshold.
fn fine_scores(
    rng: &mut Rng,
    level: i64,
    previous: Option<i32>,
    settings: &DistrictSettings,
) -> Scores {
    let lowest = i64::from(settings.concern_item_threshold + 1);
    let mut items = [0_i32; 5];
    for item in &mut items {
        *item = (level + rng.between(-1, 1)).clamp(lowest, 10) as i32;
    }
    if let Some(previous) = previous {
        while previous - items.iter().sum::<i32>() >= settings.concern_drop_threshold {
            if let Some(low) = items.iter_mut().filter(|i| **i < 10).min() {
                *low += 1;
            }
        }
    }
    scores(items)
}

/// Scores that raise a concern: one or two items at or below the item threshold, or
/// (after an earlier answer) a total that dropped by more than the drop threshold.
fn concerning_scores(rng: &mut Rng, previous: Option<i32>, settings: &DistrictSettings) -> Scores {
    let threshold = i64::from(settings.concern_item_threshold);
    // A drop with every item still above the threshold, when the last answer was high.
    if let Some(previous) = previous
        && previous - settings.concern_drop_threshold > 5 * (settings.concern_item_threshold + 1)
        && rng.chance(0.6)
    {
        let drop = settings.concern_drop_threshold + rng.between(0, 2) as i32;
        let total = (previous - drop).max(5 * (settings.concern_item_threshold + 1));
        let mut items = [total / 5; 5];
        let first = rng.between(0, 4) as usize;
        for n in 0..(total % 5) as usize {
            items[(first + n) % 5] += 1;
        }
        return scores(items);
    }
    let mut items = [0_i32; 5];
    for item in &mut items {
        *item = rng.between(threshold + 2, 10) as i32;
    }
    // Most often about being heard (CENTERED, UNDERSTOOD) or how the team works.
    for _ in 0..rng.between(1, 2) {
        let which = *rng.pick(&[2_usize, 1, 4, 2, 0, 3]);
        items[which] = rng.between((threshold - 3).max(0), threshold) as i32;
    }
    scores(items)
}

fn scores(items: [i32; 5]) -> Scores {
    let [supported, understood, centered, goals, approach] = items;
    Scores {
        supported,
        understood,
        centered,
        goals,
        approach,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fine_scores_never_raise_a_concern_and_concerning_ones_always_do() {
        let settings = DistrictSettings::default();
        let mut rng = Rng::for_alliance(3);
        for round in 0..500 {
            let previous = (round % 3 != 0).then(|| rng.between(30, 50) as i32);
            let level = rng.between(7, 9);
            let fine = fine_scores(&mut rng, level, previous, &settings);
            assert!(feedback::concerns(&fine, previous, &settings).is_empty());
            let low = concerning_scores(&mut rng, previous, &settings);
            assert!(!feedback::concerns(&low, previous, &settings).is_empty());
            assert!(low.out_of_range().is_none() && fine.out_of_range().is_none());
        }
    }
}
