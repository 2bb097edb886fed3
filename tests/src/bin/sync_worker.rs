//! `sync_worker <device.db> <server url> <token>`: opens a device database and syncs in a
//! loop until there is nothing left to push or pull. The kill -9 test starts it and kills it
//! at random moments and in the risky windows.

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    sharehub_e2e::kill::worker_main(&args).await
}
