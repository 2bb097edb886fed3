//! Measures the time from starting the app to the resource list being visible, over
//! several launches with fresh data directories and with a reused one. Prints figures.

use std::time::Duration;

use anyhow::Result;
use sharehub_e2e::{App, LaunchOptions};

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: n={} min {:.0} ms, median {:.0} ms, max {:.0} ms",
        samples.len(),
        ms(samples[0]),
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() - 1])
    );
}

async fn once(options: LaunchOptions) -> Result<Duration> {
    let app = App::launch_with(options).await?;
    app.wait_for("[data-test=resource-row]").await?;
    let visible = app.since_launch();
    app.close().await?;
    Ok(visible)
}

#[tokio::main]
async fn main() -> Result<()> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let mut first_start = Vec::new();
    for _ in 0..runs {
        first_start.push(once(LaunchOptions::default()).await?);
    }
    summary(
        "first start (creates and seeds the store) to list visible",
        first_start,
    );
    let data = tempfile::tempdir()?;
    let reuse = LaunchOptions {
        data_dir: Some(data.path().to_path_buf()),
        ..LaunchOptions::default()
    };
    once(reuse.clone()).await?;
    let mut warm = Vec::new();
    for _ in 0..runs {
        warm.push(once(reuse.clone()).await?);
    }
    summary("later start to list visible", warm);
    Ok(())
}
