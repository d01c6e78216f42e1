//! Recordings end to end: `--record` in check, serve and the view's loop, `check --replay`
//! at a time, and the replay view's keys.

mod serving;

use eksnet_tui::app::App;
use eksnet_tui::diagnose::{HopStatus, diagnose};
use eksnet_tui::record::replay::Recording;
use eksnet_tui::tui::replay::Replay;
use serving::{bin, serve};
use std::path::Path;
use std::process::Output;

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run eksnet-tui")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_recorded_check_replays_to_the_same_report_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    for scenario in [
        "healthy",
        "rotation-missed",
        "tgw-blackhole",
        "proxy-no-bypass",
        "self-managed-one-down",
        "lattice-targets-unhealthy",
    ] {
        let file = dir.path().join(format!("{scenario}.jsonl"));
        let f = path_str(&file);
        for output in ["json", "markdown"] {
            let live = run(&[
                "check", "--demo", scenario, "--record", f, "--output", output,
            ]);
            let replayed = run(&["check", "--replay", f, "--output", output]);
            let said = stdout(&replayed);
            let mark = format!(" · replayed from {f}");
            assert!(said.contains(&mark), "{said}");
            assert_eq!(
                stdout(&live),
                said.replace(&mark, ""),
                "{scenario} {output}"
            );
            assert_eq!(live.status.code(), replayed.status.code(), "{scenario}");
            assert!(stderr(&replayed).is_empty(), "{}", stderr(&replayed));
        }
        // The earlier recording was kept beside it.
        assert!(dir.path().join(format!("{scenario}.jsonl.1")).exists());
    }
}

#[test]
fn serve_records_every_cluster_and_check_judges_one_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fleet.jsonl");
    let f = path_str(&file);
    {
        let _serving = serve(&["--demo", "fleet", "--every", "1", "--record", f]);
        std::thread::sleep(std::time::Duration::from_secs(4));
    }
    let rec = Recording::read(&file).unwrap();
    let names = rec.clusters();
    assert!(names.len() >= 20, "{names:?}");
    let (start, end) = rec.span("tgw-blackhole").unwrap();
    assert!(
        end - start >= chrono::Duration::seconds(2),
        "refreshed more than once"
    );
    // Any time inside the recording: the collection complete by then.
    let mid = start + (end - start) / 2;
    let at = mid.to_rfc3339();
    let o = run(&[
        "check",
        "--replay",
        f,
        "--cluster",
        "tgw-blackhole",
        "--at",
        &at,
        "--output",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["verdict"], "fail", "{doc}");
    let o = run(&[
        "check",
        "--replay",
        f,
        "--cluster",
        "healthy",
        "--at",
        "+2s",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Several clusters and none named: the names, exit 3.
    let o = run(&["check", "--replay", f]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("choose one with --cluster") && stderr(&o).contains("tgw-blackhole"),
        "{}",
        stderr(&o)
    );
    let o = run(&["check", "--replay", f, "--cluster", "nope"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("no cluster named nope"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_truncated_recording_is_judged_from_the_lines_before_the_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.jsonl");
    let f = path_str(&file);
    let live = run(&["check", "--demo", "tgw-blackhole", "--record", f]);
    let text = std::fs::read_to_string(&file).unwrap();
    let n = text.lines().count();
    // Cut inside the last line (the judged mark) and inside a probe before it.
    std::fs::write(&file, &text[..text.len() - 5]).unwrap();
    let o = run(&["check", "--replay", f]);
    assert_eq!(o.status.code(), live.status.code());
    assert!(
        stderr(&o).contains(&format!("line {n} is not a recording line")),
        "{}",
        stderr(&o)
    );
    std::fs::write(&file, "{\"at\": 12}\n").unwrap();
    let o = run(&["check", "--replay", f]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("line 1 is not a recording line"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_replay_input_exits_3_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.jsonl");
    let f = path_str(&file);
    run(&["check", "--demo", "--record", f]);
    for (args, needle) in [
        (
            vec!["check", "--replay", f, "--at", "noon"],
            "--at noon: give a time",
        ),
        (
            vec!["check", "--replay", f, "--at", "2001-01-01T00:00:00Z"],
            "runs from",
        ),
        (
            vec!["check", "--replay", "/nonexistent/r.jsonl"],
            "cannot read the recording",
        ),
        (
            vec!["check", "--demo", "--record", "/nonexistent/dir/r.jsonl"],
            "cannot record into",
        ),
        (vec!["replay", f], "needs a terminal"),
        (vec!["check", "--demo", "--at", "+1m"], "--replay"),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(3), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// The replay view: it plays from the start, pauses, steps one line, seeks a minute and to
/// a typed time, and its verdict is the recording's at each position.
#[test]
fn the_replay_view_pauses_steps_and_seeks() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.jsonl");
    run(&[
        "check",
        "--demo",
        "rotation-missed",
        "--record",
        path_str(&file),
    ]);
    let rec = Recording::read(&file).unwrap();
    let cluster = rec.cluster(None).unwrap();
    let (start, end) = rec.span(&cluster).unwrap();
    let mut replay = Replay::new(&rec, &cluster).unwrap();
    let mut app = App::new(
        replay.player.model().cloned().unwrap(),
        eksnet_tui::ui::theme::builtin_names()
            .into_iter()
            .filter_map(eksnet_tui::ui::theme::builtin)
            .collect(),
    );
    let key = |replay: &mut Replay, app: &mut App, c: char| {
        replay.key(app, &KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    };
    assert!(replay.playing);
    assert!(key(&mut replay, &mut app, ' '));
    assert!(!replay.playing);
    let before = replay.player.position().0;
    key(&mut replay, &mut app, '.');
    assert_eq!(replay.player.position().0, before + 1);
    // A check's recording shows the complete collection only once it is judged.
    key(&mut replay, &mut app, ']');
    assert_eq!(replay.now, end);
    assert_eq!(app.diagnosis.verdict, HopStatus::Fail);
    let judged = rec.state_at(&cluster, end).unwrap();
    assert_eq!(app.diagnosis.verdict, diagnose(&judged).verdict);
    key(&mut replay, &mut app, '[');
    assert_eq!(replay.now, start);
    // @ and a time, typed.
    key(&mut replay, &mut app, '@');
    for c in "+1h".chars() {
        key(&mut replay, &mut app, c);
    }
    replay.key(&mut app, &KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert_eq!(replay.now, end, "seeking past the end stops there");
    replay.show(&mut app);
    let banner = app.ui.replay.clone().unwrap();
    assert!(
        banner.starts_with("REPLAY ") && banner.contains('⏸'),
        "{banner}"
    );
    // Keys the replay does not take are the view's.
    assert!(!key(&mut replay, &mut app, 'j'));
    // The screen says it is a replay and offers its keys, and no refresh.
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    term.draw(|f| app.render(f, replay.now)).unwrap();
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(
        screen.contains("REPLAY") && screen.contains("play/pause"),
        "{screen}"
    );
    assert!(!screen.contains("refresh"), "{screen}");
}
