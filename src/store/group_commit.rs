//! Group commit for SQLite: concurrent write transactions share one commit.
//!
//! With `synchronous = FULL` every commit waits for an fsync, which caps one
//! transaction per commit near 1,800 commits a second on this kind of machine.
//! The committer runs every write that arrives while the previous commit is on
//! disk in one transaction, each inside its own savepoint (so a refused write
//! undoes only itself), commits once, and only then answers each caller. No
//! caller hears "done" before its write is durable, and a failed commit fails
//! every write of the batch.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use sqlx::{Acquire, AnyConnection, AnyPool};
use tokio::sync::{Mutex, mpsc, oneshot};

/// A future borrowing the batch's connection.
pub type WriteFuture<'c, T> = Pin<Box<dyn Future<Output = T> + Send + 'c>>;

/// Called once the batch's commit is known: `Ok` when it is durable.
type Finisher = Box<dyn FnOnce(Result<(), String>) + Send>;

/// One caller's write: runs on the batch's connection and says whether it kept
/// its changes, with the finisher that answers the caller after the commit.
type Job = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> WriteFuture<'c, (bool, Finisher)> + Send>;

/// Most writes in one transaction: bounds how long the first caller of a batch
/// waits for the last.
const MAX_BATCH: usize = 256;

/// The handle callers send writes to; the committer task owns the connection.
#[derive(Debug, Clone)]
pub struct GroupCommitter {
    jobs: mpsc::UnboundedSender<Job>,
}

impl GroupCommitter {
    /// Starts the committer task. It takes `write_lock` for each batch, so the
    /// other writers of the process (plain write transactions) wait their turn
    /// instead of meeting SQLITE_BUSY.
    pub fn start(pool: AnyPool, write_lock: Arc<Mutex<()>>) -> GroupCommitter {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, write_lock, queue));
        GroupCommitter { jobs }
    }

    /// Runs `write` in the next batch and answers once the batch is committed.
    ///
    /// # Errors
    /// The write's own error (its changes are undone, the batch goes on), or a
    /// database error when the batch could not be committed.
    pub async fn write<T, E, F>(&self, write: F) -> Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut AnyConnection) -> WriteFuture<'c, Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |conn| {
            Box::pin(async move {
                let outcome = write(conn).await;
                let kept = outcome.is_ok();
                let finish: Finisher = Box::new(move |commit| {
                    let reply = match (outcome, commit) {
                        (Ok(_), Err(why)) => Err(E::from(commit_failed(why))),
                        (outcome, _) => outcome,
                    };
                    let _ = answer.send(reply);
                });
                (kept, finish)
            })
        });
        self.jobs.send(job).map_err(|_| E::from(commit_failed("the committer has stopped".into())))?;
        answered.await.map_err(|_| E::from(commit_failed("the batch was abandoned".into())))?
    }
}

fn commit_failed(why: String) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(format!("group commit: {why}")))
}

/// Takes whatever is queued, up to `MAX_BATCH`, and commits it as one batch.
async fn run(pool: AnyPool, write_lock: Arc<Mutex<()>>, mut queue: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let _turn = write_lock.clone().lock_owned().await;
        // A panicking write ends only its batch's task: the transaction rolls
        // back and every caller of the batch gets an error, never a false "done".
        let _ = tokio::spawn(commit_batch(pool.clone(), batch)).await;
    }
}

async fn commit_batch(pool: AnyPool, batch: Vec<Job>) {
    let mut finishers = Vec::with_capacity(batch.len());
    let outcome = async {
        // IMMEDIATE takes the write lock now (waiting out the busy timeout):
        // a deferred transaction that has read cannot wait for a writer of
        // another connection and fails with SQLITE_BUSY at its first write
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        for job in batch {
            let mut savepoint = tx.begin().await?;
            let (kept, finish) = job(&mut savepoint).await;
            finishers.push(finish);
            if kept {
                savepoint.commit().await?;
            } else {
                savepoint.rollback().await?;
            }
        }
        tx.commit().await
    }
    .await;
    let commit = outcome.map_err(|e| e.to_string());
    for finish in finishers {
        finish(commit.clone());
    }
}
