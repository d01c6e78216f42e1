use super::replay::{Change, Player, Recording, ReplayError, parse_time};
use super::*;
use crate::clock::Clock;
use crate::diagnose::{HopStatus, diagnose};
use crate::model::LiveMode;
use crate::sources::collect::{Settings, collect_once};
use crate::sources::demo::{DemoEnv, Scenario};
use chrono::TimeZone;

fn paused() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

/// A check of `scenario`, recorded into `path`: the model it judged and when.
fn recorded_check(scenario: Scenario, path: &Path, limits: Limits) -> (Model, DateTime<Utc>) {
    paused().block_on(async {
        let clock = Clock::fixed();
        let env = DemoEnv::new(scenario, clock);
        let settings = Settings {
            api: scenario.api(),
            cluster: Some(crate::sources::demo::CLUSTER.into()),
            ..Default::default()
        };
        let tap = Tap {
            recorder: Recorder::create(path, limits).unwrap(),
            cluster: None,
        };
        let m = collect_once(&env, &env, &env, &settings, &clock, "demo", Some(&tap))
            .await
            .unwrap();
        let now = clock.now();
        tap.recorder.judged(tap.name(&m), now);
        (m, now)
    })
}

#[test]
fn every_scenario_replays_to_the_model_it_judged() {
    let dir = tempfile::tempdir().unwrap();
    for s in Scenario::ALL {
        let path = dir.path().join(format!("{}.jsonl", s.name()));
        let (judged, now) = recorded_check(s, &path, Limits::default());
        let rec = Recording::read(&path).unwrap();
        assert_eq!(rec.problem, None, "{}", s.name());
        let cluster = rec.cluster(None).unwrap();
        assert_eq!(rec.time(&cluster, None).unwrap(), now, "{}", s.name());
        let replayed = rec.state_at(&cluster, now).unwrap();
        assert!(replayed == judged, "{} replays to another model", s.name());
        let (a, b) = (diagnose(&judged), diagnose(&replayed));
        assert_eq!(a.verdict, b.verdict, "{}", s.name());
        assert_eq!(
            crate::report::json(&judged, &a, now),
            crate::report::json(&replayed, &b, now),
            "{}",
            s.name()
        );
    }
}

/// The interactive view's recording: every update as it was merged, over minutes of a
/// rotation nobody handles. At each line the replayed verdict is the one the view had.
#[test]
fn a_view_recording_replays_to_the_same_verdicts_at_the_same_times() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("view.jsonl");
    let seen = paused().block_on(async {
        let clock = Clock::fixed();
        let env = Arc::new(DemoEnv::new(Scenario::RotationMissed, clock));
        let mut model = Model::new(crate::model::Context {
            cluster_name: crate::sources::demo::CLUSTER.into(),
            region: None,
            source: "demo".into(),
            live: LiveMode::ALL,
            api: Scenario::RotationMissed.api(),
        });
        let recorder = Recorder::create(&path, Limits::default()).unwrap();
        recorder.begin("demo", &model, clock.now());
        let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
        let pollers = crate::sources::poll::spawn(
            crate::sources::poll::Sources {
                api: env.clone(),
                resolver: env.clone(),
                prober: env,
            },
            &model.context,
            None,
            crate::sources::poll::Intervals::default(),
            tx,
        );
        let mut seen = Vec::new();
        while clock.elapsed() < Duration::from_secs(8 * 60) {
            let Some(f) = rx.recv().await else { break };
            let now = clock.now();
            recorder.update("demo", &f, now);
            model.apply(f, now);
            let d = diagnose(&model);
            seen.push((now, d.verdict, d.first_failure));
        }
        drop(pollers);
        seen
    });
    let mut verdicts: Vec<HopStatus> = seen.iter().map(|(_, v, _)| *v).collect();
    verdicts.dedup();
    assert_eq!(verdicts, [HopStatus::Unknown, HopStatus::Fail]);

    let rec = Recording::read(&path).unwrap();
    let mut player = Player::new(&rec, "demo");
    assert!(matches!(player.step(), Some(Change::Replaced)));
    for (i, (at, verdict, first)) in seen.iter().enumerate() {
        assert!(matches!(player.step(), Some(Change::Applied(_))));
        assert_eq!(player.at, Some(*at));
        let d = diagnose(player.model().unwrap());
        assert_eq!((d.verdict, d.first_failure), (*verdict, *first), "line {i}");
    }
    assert!(player.step().is_none());
    // Seeking, back or forth, gives the state at that time.
    for (at, _, _) in seen.iter().step_by(97).rev() {
        player.seek(*at);
        let d = diagnose(player.model().unwrap());
        // Several lines can share a time; the last of them decides.
        let last = seen.iter().rev().find(|(t, _, _)| t == at).unwrap();
        assert_eq!(d.verdict, last.1, "at {at}");
        assert_eq!(
            rec.state_at("demo", *at).map(|m| diagnose(&m).verdict),
            Some(last.1)
        );
    }
}

#[test]
fn a_full_recording_rotates_and_every_file_replays_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    let limits = Limits {
        max_bytes: 40_000,
        keep: 2,
    };
    // A file already there is kept as the newest rotated one.
    std::fs::write(&path, "earlier\n").unwrap();
    let recorder = Recorder::create(&path, limits).unwrap();
    assert_eq!(
        std::fs::read_to_string(rotated(&path, 1)).unwrap(),
        "earlier\n"
    );
    let (judged, start) = recorded_check(Scenario::TgwBlackhole, &dir.path().join("one"), limits);
    let lines = Recording::read(&dir.path().join("one")).unwrap().lines;
    // The same collection, written again and again, an hour apart.
    for round in 0..12i64 {
        for l in &lines {
            let mut l = l.clone();
            l.at += chrono::Duration::hours(round);
            recorder.write(l);
        }
    }
    assert!(path.exists() && rotated(&path, 1).exists() && rotated(&path, 2).exists());
    assert!(
        !rotated(&path, 3).exists(),
        "only two rotated files are kept"
    );
    for p in [path.clone(), rotated(&path, 1), rotated(&path, 2)] {
        let size = std::fs::metadata(&p).unwrap().len();
        assert!(
            size <= 2 * limits.max_bytes,
            "{} holds {size} bytes",
            p.display()
        );
        let rec = Recording::read(&p).unwrap();
        let end = rec.span("demo-private").unwrap().1;
        let m = rec.state_at("demo-private", end).unwrap();
        assert_eq!(
            diagnose(&m).verdict,
            diagnose(&judged).verdict,
            "{}",
            p.display()
        );
        assert!(end > start);
    }
}

#[test]
fn a_truncated_line_keeps_what_was_readable_and_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    recorded_check(Scenario::Healthy, &path, Limits::default());
    let text = std::fs::read_to_string(&path).unwrap();
    let n = text.lines().count();
    // Cut the last line in half, as a kill mid-write would.
    let cut = text.len() - text.lines().last().unwrap().len() / 2 - 1;
    std::fs::write(&path, &text[..cut]).unwrap();
    let rec = Recording::read(&path).unwrap();
    let problem = rec.problem.clone().unwrap();
    assert_eq!(problem.line, n);
    assert_eq!(rec.lines.len(), n - 1);

    std::fs::write(&path, format!("not json\n{text}")).unwrap();
    match Recording::read(&path) {
        Err(ReplayError::Corrupt { line: 1, .. }) => {}
        other => panic!("{:?}", other.err()),
    }
    std::fs::write(&path, "").unwrap();
    assert!(matches!(
        Recording::read(&path),
        Err(ReplayError::Empty { .. })
    ));
    let wrong = text.replacen("\"version\":1", "\"version\":9", 1);
    std::fs::write(&path, wrong).unwrap();
    let e = Recording::read(&path).err().unwrap();
    assert!(
        e.to_string().contains("line 1 is in recording format 9"),
        "{e}"
    );
}

#[test]
fn times_are_instants_times_of_day_or_offsets() {
    let start = Utc.with_ymd_and_hms(2026, 11, 2, 9, 30, 5).unwrap();
    let at = |h, m, s| Utc.with_ymd_and_hms(2026, 11, 2, h, m, s).unwrap();
    assert_eq!(
        parse_time("2026-11-02T09:41:00Z", start),
        Some(at(9, 41, 0))
    );
    assert_eq!(parse_time("09:41", start), Some(at(9, 41, 0)));
    assert_eq!(parse_time("09:41:30", start), Some(at(9, 41, 30)));
    assert_eq!(parse_time("+90s", start), Some(at(9, 31, 35)));
    assert_eq!(parse_time("+1h2m", start), Some(at(10, 32, 5)));
    for bad in ["", "+", "+5", "+5d", "9h", "tomorrow", "25:00"] {
        assert_eq!(parse_time(bad, start), None, "{bad}");
    }
}
