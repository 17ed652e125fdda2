//! Data loaders: every edge a list can fan out on is loaded in one statement per batch,
//! whatever the number of parents, and always inside the viewer's scope.

use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

use alliance_domain::DomainError;
use alliance_domain::access::{ReadScope, Viewer};
use alliance_domain::health::{Health, assess};
use alliance_domain::ids::*;
use alliance_domain::model::*;
use alliance_domain::progress::ProgressStats;
use alliance_store::{
    Store, acceptances, alliances, communications, feedback, goals, health, interventions, members,
    next_steps, persons, progress, reflections, schools, students, voice,
};
use foldhash::{HashMap, HashMapExt, HashSet};

/// Loads for one viewer: the batch functions share the store and the viewer's scope.
pub struct Batch {
    store: Store,
    scope: ReadScope,
    /// The viewer's own person, which they may always read.
    own: Option<PersonId>,
    /// The viewer's district's settings, as read when the request began.
    settings: DistrictSettings,
    seen: Seen,
}

/// Rows that came with another load's statement (members' persons, students' schools,
/// whether answers are cited, alliances' health, goals' progress totals) or were read
/// ahead beside it (goals' pages of progress): a later load of their keys takes them
/// from here and asks the database only for the rest. Each came through the viewer's
/// scope, as the load of its own key would have.
#[derive(Default)]
struct Seen {
    persons: Mutex<HashMap<PersonId, Person>>,
    schools: Mutex<HashMap<SchoolId, School>>,
    cited: Mutex<HashMap<FeedbackResponseId, bool>>,
    health: Mutex<HashMap<AllianceId, Health>>,
    stats: Mutex<HashMap<GoalId, ProgressStats>>,
    pages: Mutex<HashMap<GoalsPage, Arc<[ProgressEntry]>>>,
    /// The alliances whose goals' pages are all in `pages`, empty ones left out.
    paged: Mutex<HashSet<PagesOf>>,
}

/// A goal's page of progress: the goal, the end it is taken from, how many entries.
type GoalsPage = (GoalId, progress::End, u64);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Keeps `rows` for later loads.
fn remember<K: Eq + Hash, V>(seen: &Mutex<HashMap<K, V>>, rows: impl IntoIterator<Item = (K, V)>) {
    lock(seen).extend(rows);
}

/// The values of `keys` seen already, and the keys still to load.
fn recall<K: Eq + Hash + Copy, V: Clone>(
    seen: &Mutex<HashMap<K, V>>,
    keys: &[K],
) -> (HashMap<K, V>, Vec<K>) {
    let seen = lock(seen);
    let mut found = HashMap::new();
    let mut missing = Vec::new();
    for key in keys {
        match seen.get(key) {
            Some(value) => {
                found.insert(*key, value.clone());
            }
            None => missing.push(*key),
        }
    }
    (found, missing)
}

impl Batch {
    pub(crate) fn new(store: Store, viewer: &Viewer, settings: DistrictSettings) -> Self {
        Self {
            store,
            scope: viewer.read_scope(),
            own: viewer.person_id,
            settings,
            seen: Seen::default(),
        }
    }

    /// Keeps the schools of a page of students for the school loads that follow.
    pub(crate) fn saw_schools(&self, schools: impl IntoIterator<Item = School>) {
        remember(&self.seen.schools, schools.into_iter().map(|s| (s.id, s)));
    }

    /// Forgets every row kept: after a change, later reads go to the database.
    pub(crate) fn forget(&self) {
        lock(&self.seen.persons).clear();
        lock(&self.seen.schools).clear();
        lock(&self.seen.cited).clear();
        lock(&self.seen.health).clear();
        lock(&self.seen.stats).clear();
        lock(&self.seen.pages).clear();
        lock(&self.seen.paged).clear();
    }
}

/// A loader's error: shared, since one failure answers every key in the batch.
pub type LoadError = Arc<DomainError>;

/// Loads the values of a batch of keys of one kind: async-graphql's `Loader`, with maps
/// on foldhash rather than SipHash. A dashboard makes about a thousand loads, each
/// looked up in its request's maps and in its batch's answer, and SipHash was a tenth
/// of its instructions. Keys may be chosen by the client (`nodes(ids:)`, `node(id:)`),
/// but a request holds at most as many as its cost allows, and foldhash's seed is
/// random each process.
pub trait Load<K> {
    type Value: Send + Sync + Clone + 'static;

    /// The values of those of `keys` there are (and the viewer may read).
    fn load(
        &self,
        keys: &[K],
    ) -> impl Future<Output = Result<HashMap<K, Self::Value>, LoadError>> + Send;
}

/// Every alliance of a student; with `health`, each one's practice health is read in the
/// same statement and kept for [`HealthOf`] (a page of students whose alliances' health
/// is asked for costs one statement for both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AlliancesOf {
    pub student: StudentId,
    pub health: bool,
}
/// Every member, past and present, of an alliance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MembersOf(pub AllianceId);
/// The phase history of an alliance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PhasesOf(pub AllianceId);
/// The goals of an alliance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GoalsOf(pub AllianceId);
/// A page of progress entries at one end of every goal of an alliance, read beside its
/// goals when the goals are asked for with that page: kept for [`ProgressPage`], so the
/// goals' pages cost no statement after the goals'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PagesOf {
    pub alliance: AllianceId,
    pub end: progress::End,
    pub take: u64,
}
/// The revisions of a goal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RevisionsOf(pub GoalId);
/// Every progress entry of a goal, newest first: for a page between cursors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProgressOf(pub GoalId);
/// A goal's progress totals, added up by the database from its entries: its summary
/// and its pages' counts come from them; an alliance's goals bring theirs along
/// ([`GoalsOf`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StatsOf(pub GoalId);
/// The `take` entries at one end of a goal's progress, newest first: a page without
/// cursors, read without the goal's other entries. Goals asked for the same page share
/// a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProgressPage {
    pub goal: GoalId,
    /// The goal's alliance, whose goals' pages may have been read ahead ([`PagesOf`]).
    pub alliance: AllianceId,
    pub end: progress::End,
    pub take: u64,
}
/// A goal's latest four values, oldest first: what the four-point rule reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RecentValuesOf(pub GoalId);

fn by_key<K: Eq + Hash, V>(items: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, V> {
    items.into_iter().map(|v| (key(&v), v)).collect()
}

fn grouped<K: Eq + Hash + Copy, V>(
    keys: &[K],
    items: Vec<V>,
    key: impl Fn(&V) -> K,
) -> HashMap<K, Vec<V>> {
    let mut groups: HashMap<K, Vec<V>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for item in items {
        groups.entry(key(&item)).or_default().push(item);
    }
    groups
}

macro_rules! loader {
    ($key:ty => $value:ty, |$this:ident, $keys:ident| $body:expr) => {
        impl Load<$key> for Batch {
            type Value = $value;

            async fn load(&self, $keys: &[$key]) -> Result<HashMap<$key, $value>, LoadError> {
                let $this = self;
                let result: Result<HashMap<$key, $value>, DomainError> = async { $body }.await;
                result.map_err(Arc::new)
            }
        }
    };
}

loader!(SchoolId => School, |this, keys| {
    let (mut found, missing) = recall(&this.seen.schools, keys);
    if !missing.is_empty() {
        let rows = schools::by_ids(this.store.db(), this.scope.district_id, &missing).await?;
        found.extend(by_key(rows, |s| s.id));
    }
    Ok(found)
});

loader!(PersonId => Person, |this, keys| {
    let (mut found, missing) = recall(&this.seen.persons, keys);
    if !missing.is_empty() {
        let rows = persons::visible(this.store.db(), &this.scope, this.own, &missing).await?;
        found.extend(by_key(rows, |p| p.id));
    }
    Ok(found)
});

loader!(StudentId => Student, |this, keys| {
    let rows = students::by_ids(this.store.db(), &this.scope, keys).await?;
    Ok(by_key(rows, |s| s.id))
});

loader!(AllianceId => Alliance, |this, keys| {
    let rows = alliances::by_ids(this.store.db(), &this.scope, keys).await?;
    Ok(by_key(rows, |a| a.id))
});

loader!(AlliancesOf => Vec<Alliance>, |this, keys| {
    let mut students: Vec<StudentId> = keys.iter().map(|k| k.student).collect();
    students.sort_unstable();
    students.dedup();
    let rows = if keys.iter().any(|k| k.health) {
        let now = alliance_store::now();
        let settings = &this.settings;
        let rows = alliances::for_students_with_health(
            this.store.db(),
            &this.scope,
            &students,
            now,
            settings.feedback_cadence_days,
        )
        .await?;
        let (rows, health): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .map(|(a, facts)| {
                let id = a.id;
                (a, (id, assess(&facts, settings, now)))
            })
            .unzip();
        remember(&this.seen.health, health);
        rows
    } else {
        alliances::for_students(this.store.db(), &this.scope, &students).await?
    };
    let by_student = grouped(&students, rows, |a| a.student_id);
    Ok(keys
        .iter()
        .map(|k| (*k, by_student.get(&k.student).cloned().unwrap_or_default()))
        .collect())
});

loader!(MembersOf => Vec<AllianceMember>, |this, keys| {
    let ids: Vec<AllianceId> = keys.iter().map(|k| k.0).collect();
    let rows = members::with_persons_for_alliances(this.store.db(), &this.scope, &ids).await?;
    let (members, persons): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    remember(&this.seen.persons, persons.into_iter().map(|p| (p.id, p)));
    Ok(grouped(keys, members, |m| MembersOf(m.alliance_id)))
});

loader!(PhasesOf => Vec<PhaseChange>, |this, keys| {
    let ids: Vec<AllianceId> = keys.iter().map(|k| k.0).collect();
    let rows = alliances::phase_history(this.store.db(), &ids).await?;
    Ok(grouped(keys, rows, |p| PhasesOf(p.alliance_id)))
});

loader!(GoalsOf => Vec<Goal>, |this, keys| {
    let ids: Vec<AllianceId> = keys.iter().map(|k| k.0).collect();
    let rows = goals::for_alliances_with_stats(this.store.db(), &ids).await?;
    let (rows, stats): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .map(|(goal, stats)| {
            let id = goal.id;
            (goal, (id, stats))
        })
        .unzip();
    remember(&this.seen.stats, stats);
    Ok(grouped(keys, rows, |g| GoalsOf(g.alliance_id)))
});

loader!(PagesOf => (), |this, keys| {
    let mut asked: HashMap<(progress::End, u64), Vec<AllianceId>> = HashMap::new();
    for key in keys {
        asked.entry((key.end, key.take)).or_default().push(key.alliance);
    }
    for ((end, take), alliances) in asked {
        let rows =
            progress::at_each_end_of_alliances(this.store.db(), &alliances, end, take).await?;
        let mut pages: HashMap<GoalsPage, Vec<ProgressEntry>> = HashMap::new();
        for entry in rows {
            pages.entry((entry.goal_id, end, take)).or_default().push(entry);
        }
        remember(
            &this.seen.pages,
            pages.into_iter().map(|(key, entries)| (key, entries.into())),
        );
    }
    lock(&this.seen.paged).extend(keys.iter().copied());
    Ok(keys.iter().map(|key| (*key, ())).collect())
});

loader!(StatsOf => ProgressStats, |this, keys| {
    let ids: Vec<GoalId> = keys.iter().map(|k| k.0).collect();
    let (mut found, missing) = recall(&this.seen.stats, &ids);
    if !missing.is_empty() {
        found.extend(progress::stats(this.store.db(), &missing).await?);
    }
    Ok(found.into_iter().map(|(id, s)| (StatsOf(id), s)).collect())
});

loader!(ProgressPage => Arc<[ProgressEntry]>, |this, keys| {
    let mut found = HashMap::new();
    let mut missing: HashMap<(progress::End, u64), Vec<ProgressPage>> = HashMap::new();
    {
        let pages = lock(&this.seen.pages);
        let paged = lock(&this.seen.paged);
        for key in keys {
            let read_ahead = PagesOf {
                alliance: key.alliance,
                end: key.end,
                take: key.take,
            };
            if let Some(entries) = pages.get(&(key.goal, key.end, key.take)) {
                found.insert(*key, Arc::clone(entries));
            } else if paged.contains(&read_ahead) {
                // Read ahead with its alliance's goals, and none found: no entries.
                found.insert(*key, Arc::from([]));
            } else {
                missing.entry((key.end, key.take)).or_default().push(*key);
            }
        }
    }
    for ((end, take), wanted) in missing {
        let ids: Vec<GoalId> = wanted.iter().map(|key| key.goal).collect();
        let rows = progress::at_each_end(this.store.db(), &ids, end, take, false).await?;
        let mut by_goal = grouped(&ids, rows, |entry| entry.goal_id);
        for key in wanted {
            let entries = by_goal.remove(&key.goal).unwrap_or_default();
            found.insert(key, entries.into());
        }
    }
    Ok(found)
});

loader!(RecentValuesOf => Vec<(chrono::DateTime<chrono::Utc>, f64)>, |this, keys| {
    let ids: Vec<GoalId> = keys.iter().map(|k| k.0).collect();
    let rows = progress::at_each_end(this.store.db(), &ids, progress::End::Newest, 4, true).await?;
    let mut recent = grouped(keys, rows, |p| RecentValuesOf(p.goal_id));
    Ok(recent
        .drain()
        .map(|(key, entries)| {
            let points = entries
                .iter()
                .rev()
                .filter_map(|e| Some((e.observed_at, e.value?)))
                .collect();
            (key, points)
        })
        .collect())
});

loader!(RevisionsOf => Vec<GoalRevision>, |this, keys| {
    let ids: Vec<GoalId> = keys.iter().map(|k| k.0).collect();
    let rows = goals::revisions(this.store.db(), &ids).await?;
    Ok(grouped(keys, rows, |r| RevisionsOf(r.goal_id)))
});

loader!(ProgressOf => Arc<[ProgressEntry]>, |this, keys| {
    let ids: Vec<GoalId> = keys.iter().map(|k| k.0).collect();
    let rows = progress::for_goals(this.store.db(), &ids).await?;
    Ok(grouped(keys, rows, |p| ProgressOf(p.goal_id))
        .into_iter()
        .map(|(key, entries)| (key, entries.into()))
        .collect())
});

loader!(GoalId => Goal, |this, keys| {
    let rows = goals::by_ids(this.store.db(), &this.scope, keys).await?;
    Ok(by_key(rows, |g| g.id))
});

/// The voice entries of an alliance the viewer may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VoiceOf(pub AllianceId);
/// The recorded acceptances of a goal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AcceptancesOf(pub GoalId);
/// The interventions of an alliance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InterventionsOf(pub AllianceId);
/// The status history of an intervention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChangesOf(pub InterventionId);
/// The communications of an alliance the viewer may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommunicationsOf(pub AllianceId);
/// The replies to a communication.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RepliesOf(pub CommunicationId);
/// The feedback requests of an alliance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RequestsOf(pub AllianceId);
/// The feedback responses of an alliance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResponsesOf(pub AllianceId);
/// Whether a next step cites a feedback response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cited(pub FeedbackResponseId);
/// The reflections of an alliance the viewer may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReflectionsOf(pub AllianceId);
/// The next steps of an alliance the viewer may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NextStepsOf(pub AllianceId);
/// Every progress entry of an alliance's goals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProgressOfAlliance(pub AllianceId);
/// The practice health of an alliance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HealthOf(pub AllianceId);

macro_rules! per_alliance {
    ($key:ident => $value:ty, |$this:ident, $ids:ident| $fetch:expr, $owner:expr) => {
        loader!($key => Vec<$value>, |$this, keys| {
            let $ids: Vec<AllianceId> = keys.iter().map(|k| k.0).collect();
            let rows: Vec<$value> = $fetch;
            Ok(grouped(keys, rows, |r| $key($owner(r))))
        });
    };
}

per_alliance!(VoiceOf => VoiceEntry, |this, ids| voice::for_alliances(this.store.db(), &this.scope, &ids).await?, |v: &VoiceEntry| v.alliance_id);
per_alliance!(InterventionsOf => Intervention, |this, ids| interventions::for_alliances(this.store.db(), &ids).await?, |i: &Intervention| i.alliance_id);
per_alliance!(CommunicationsOf => Communication, |this, ids| communications::for_alliances(this.store.db(), &this.scope, &ids).await?, |c: &Communication| c.alliance_id);
per_alliance!(RequestsOf => FeedbackRequest, |this, ids| feedback::requests_for_alliances(this.store.db(), &ids).await?, |r: &FeedbackRequest| r.alliance_id);

loader!(ResponsesOf => Vec<FeedbackResponse>, |this, keys| {
    let ids: Vec<AllianceId> = keys.iter().map(|k| k.0).collect();
    let rows = feedback::responses_with_citations_for_alliances(this.store.db(), &ids).await?;
    remember(&this.seen.cited, rows.iter().map(|(r, cited)| (r.id, *cited)));
    let responses = rows.into_iter().map(|(r, _)| r).collect();
    Ok(grouped(keys, responses, |r| ResponsesOf(r.alliance_id)))
});

per_alliance!(ReflectionsOf => Reflection, |this, ids| reflections::for_alliances(this.store.db(), &this.scope, &ids).await?, |r: &Reflection| r.alliance_id);
per_alliance!(NextStepsOf => NextStep, |this, ids| next_steps::for_alliances(this.store.db(), &this.scope, &ids).await?, |n: &NextStep| n.alliance_id);

loader!(ProgressOfAlliance => Vec<ProgressEntry>, |this, keys| {
    let ids: Vec<AllianceId> = keys.iter().map(|k| k.0).collect();
    let rows = progress::for_alliances(this.store.db(), &ids).await?;
    let mut groups: HashMap<ProgressOfAlliance, Vec<ProgressEntry>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for (alliance, entry) in rows {
        groups.entry(ProgressOfAlliance(alliance)).or_default().push(entry);
    }
    Ok(groups)
});

loader!(AcceptancesOf => Vec<GoalAcceptance>, |this, keys| {
    let ids: Vec<GoalId> = keys.iter().map(|k| k.0).collect();
    let rows = acceptances::for_goals(this.store.db(), &ids).await?;
    Ok(grouped(keys, rows, |a| AcceptancesOf(a.goal_id)))
});

loader!(ChangesOf => Vec<InterventionChange>, |this, keys| {
    let ids: Vec<InterventionId> = keys.iter().map(|k| k.0).collect();
    let rows = interventions::changes(this.store.db(), &ids).await?;
    Ok(grouped(keys, rows, |c| ChangesOf(c.intervention_id)))
});

loader!(RepliesOf => Vec<Reply>, |this, keys| {
    let ids: Vec<CommunicationId> = keys.iter().map(|k| k.0).collect();
    let rows = communications::replies(this.store.db(), &ids).await?;
    Ok(grouped(keys, rows, |r| RepliesOf(r.communication_id)))
});

loader!(Cited => bool, |this, keys| {
    let ids: Vec<FeedbackResponseId> = keys.iter().map(|k| k.0).collect();
    let (seen, missing) = recall(&this.seen.cited, &ids);
    let cited = next_steps::cited_responses(this.store.db(), &missing).await?;
    Ok(keys
        .iter()
        .map(|k| (*k, seen.get(&k.0).copied().unwrap_or_else(|| cited.contains(&k.0))))
        .collect())
});

loader!(HealthOf => Health, |this, keys| {
    let ids: Vec<AllianceId> = keys.iter().map(|k| k.0).collect();
    let (mut found, missing) = recall(&this.seen.health, &ids);
    if !missing.is_empty() {
        let now = alliance_store::now();
        let settings = &this.settings;
        let facts = health::facts(this.store.db(), &this.scope, &missing, now, settings.feedback_cadence_days).await?;
        found.extend(facts.into_iter().map(|(id, f)| (id, assess(&f, settings, now))));
    }
    Ok(found.into_iter().map(|(id, h)| (HealthOf(id), h)).collect())
});
