//! Per-request loads. Each key a request asks for is fetched once per request, whatever
//! the order resolvers ask in, and the keys asked for together are fetched together,
//! one statement per kind of key.
//!
//! "Together" is decided by the request itself, not by a timer: keys wait in a queue
//! until the request can go no further without them (its future is pending and nothing
//! has woken it), and then every queue is sent at once. A timer (async-graphql's data
//! loader waits a millisecond) splits a level's keys across statements whenever the
//! machine is busy enough that siblings take longer than that to ask, and adds its wait
//! to every level of nesting when it is not.

use std::any::{Any, TypeId};
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};

use alliance_domain::DomainError;
use foldhash::{HashMap, HashMapExt};
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use tokio::sync::oneshot;

use crate::loaders::{Batch, Load, LoadError};

type Loaded<V> = Result<Option<V>, LoadError>;
type Pending<V> = Shared<BoxFuture<'static, Loaded<V>>>;

/// The viewer's loader and what this request has asked it for.
pub struct Loads {
    batch: Arc<Batch>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Per key type, a `HashMap<K, Pending<V>>`: every key asked for, loaded or not.
    memo: HashMap<TypeId, Box<dyn Any + Send>>,
    /// Per key type, the keys asked for and not yet sent.
    queued: HashMap<TypeId, Box<dyn Queued>>,
}

/// Keys of one type waiting to be sent, with where each one's value goes.
struct Queue<K, V> {
    waiting: Vec<(K, oneshot::Sender<Loaded<V>>)>,
}

trait Queued: Send {
    fn as_any(&mut self) -> &mut dyn Any;
    /// Loads every waiting key in one batch and hands each its value.
    fn send(self: Box<Self>, batch: Arc<Batch>) -> BoxFuture<'static, ()>;
}

impl<K, V> Queued for Queue<K, V>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    Batch: Load<K, Value = V>,
{
    fn as_any(&mut self) -> &mut dyn Any {
        self
    }

    fn send(self: Box<Self>, batch: Arc<Batch>) -> BoxFuture<'static, ()> {
        async move {
            let keys: Vec<K> = self.waiting.iter().map(|(key, _)| key.clone()).collect();
            let loaded = batch.load(&keys).await;
            for (key, value) in self.waiting {
                let _ = value.send(match &loaded {
                    Ok(values) => Ok(values.get(&key).cloned()),
                    Err(error) => Err(Arc::clone(error)),
                });
            }
        }
        .boxed()
    }
}

impl Loads {
    pub(crate) fn new(batch: Batch) -> Self {
        Self {
            batch: Arc::new(batch),
            state: Mutex::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The value for `key`, loaded in a batch with its siblings, once per request.
    pub(crate) fn load<K>(&self, key: K) -> Pending<<Batch as Load<K>>::Value>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        Batch: Load<K>,
    {
        let mut state = self.state();
        let memo = state
            .memo
            .entry(TypeId::of::<K>())
            .or_insert_with(|| Box::new(HashMap::<K, Pending<<Batch as Load<K>>::Value>>::new()))
            .downcast_mut::<HashMap<K, Pending<<Batch as Load<K>>::Value>>>()
            .expect("one map per key type");
        if let Some(pending) = memo.get(&key) {
            return pending.clone();
        }
        let (value, loaded) = oneshot::channel();
        let pending = async move {
            loaded.await.unwrap_or_else(|_| {
                Err(Arc::new(DomainError::Unexpected(
                    "a load ended without a value".into(),
                )))
            })
        }
        .boxed()
        .shared();
        memo.insert(key.clone(), pending.clone());
        state
            .queued
            .entry(TypeId::of::<K>())
            .or_insert_with(|| {
                Box::new(Queue::<K, <Batch as Load<K>>::Value> {
                    waiting: Vec::new(),
                })
            })
            .as_any()
            .downcast_mut::<Queue<K, <Batch as Load<K>>::Value>>()
            .expect("one queue per key type")
            .waiting
            .push((key, value));
        pending
    }

    /// Sends every queue, each batch in a task of its own so they load concurrently.
    /// Whether there was anything to send.
    fn send_queued(&self) -> bool {
        let queued = std::mem::take(&mut self.state().queued);
        let any = !queued.is_empty();
        for (_, queue) in queued {
            tokio::spawn(queue.send(Arc::clone(&self.batch)));
        }
        any
    }

    /// Forgets everything loaded: after a change, later reads go to the database.
    pub(crate) fn forget(&self) {
        self.state().memo.clear();
        self.batch.forget();
    }

    /// The loader itself.
    pub(crate) fn batch(&self) -> &Batch {
        &self.batch
    }
}

/// Runs `work` (a request's execution), sending the queued loads whenever it is waiting
/// and nothing has woken it.
pub(crate) async fn drive<F: Future>(work: F, loads: &Loads) -> F::Output {
    let mut work = std::pin::pin!(work);
    std::future::poll_fn(move |cx| {
        let woken = Arc::new(Woken {
            flag: AtomicBool::new(false),
            waker: cx.waker().clone(),
        });
        let waker = Waker::from(Arc::clone(&woken));
        if let Poll::Ready(output) = work.as_mut().poll(&mut Context::from_waker(&waker)) {
            return Poll::Ready(output);
        }
        // Woken already (a list yielding to the scheduler part-way, a load arriving):
        // more keys may yet be asked for, so the queues wait for the next poll.
        if !woken.flag.load(Ordering::Acquire) {
            loads.send_queued();
        }
        Poll::Pending
    })
    .await
}

/// A waker that notes it was woken before passing the wake on.
struct Woken {
    flag: AtomicBool,
    waker: Waker,
}

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.flag.store(true, Ordering::Release);
        self.waker.wake_by_ref();
    }
}
