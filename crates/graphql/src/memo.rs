//! Per-request memory of loads. A data loader batches the keys asked for together, but
//! a key asked for while its batch is still in flight would start a second batch; here
//! every load of a key in a request shares one future, in flight or done, so each
//! record is fetched once per request whatever the order resolvers ask in.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use async_graphql::dataloader::{DataLoader, Loader};
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use crate::loaders::{Batch, LoadError};

type Pending<V> = Shared<BoxFuture<'static, Result<Option<V>, LoadError>>>;

/// The viewer's loader and what this request has asked it for.
pub struct Loads {
    loader: DataLoader<Batch>,
    memo: Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>,
}

impl Loads {
    pub(crate) fn new(loader: DataLoader<Batch>) -> Self {
        Self {
            loader,
            memo: Mutex::default(),
        }
    }

    /// The value for `key`, loaded in a batch with its siblings, once per request.
    pub(crate) fn load<K>(self: &Arc<Self>, key: K) -> Pending<<Batch as Loader<K>>::Value>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        Batch: Loader<K, Error = LoadError>,
    {
        let mut memo = self
            .memo
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let loads = memo
            .entry(TypeId::of::<K>())
            .or_insert_with(|| Box::new(HashMap::<K, Pending<<Batch as Loader<K>>::Value>>::new()))
            .downcast_mut::<HashMap<K, Pending<<Batch as Loader<K>>::Value>>>()
            .expect("one map per key type");
        if let Some(pending) = loads.get(&key) {
            return pending.clone();
        }
        let this = Arc::clone(self);
        let asked = key.clone();
        let pending = async move { this.loader.load_one(asked).await }
            .boxed()
            .shared();
        loads.insert(key, pending.clone());
        pending
    }

    /// Forgets everything loaded: after a change, later reads go to the database.
    pub(crate) fn forget(&self) {
        self.memo
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }
}
