//! The interactive view driven by keys, as a user would: drill in, back, filter, jump,
//! help; plus colours and symbols of verdict cells, and random input that must not panic.

mod common;

use common::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use eksnet_tui::app::{App, Effect, Msg};
use eksnet_tui::clock::Clock;
use eksnet_tui::sources::demo::Scenario;
use eksnet_tui::ui::state::{Kind, Mode, View};

fn key(app: &mut App, clock: &Clock, code: KeyCode) -> Vec<Effect> {
    app.update(
        Msg::Input(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
        clock.now(),
    )
}

fn keys(app: &mut App, clock: &Clock, s: &str) {
    for ch in s.chars() {
        key(app, clock, KeyCode::Char(ch));
    }
}

fn screen(app: &App, clock: &Clock) -> String {
    text(&draw(app, clock.now(), 120, 40))
}

#[test]
fn rotation_missed_shows_targets_failing_and_drills_in_and_back() {
    let (mut app, clock) = demo_app(Scenario::RotationMissed, 0);
    let s = screen(&app, &clock);
    assert!(s.contains("✖ targets"), "{s}");
    assert!(s.contains("broken at targets"), "{s}");
    assert!(
        s.contains("target-missing") && s.contains("target-stale"),
        "{s}"
    );
    // The selection starts on the first failing hop: Enter opens it.
    key(&mut app, &clock, KeyCode::Enter);
    assert_eq!(
        app.ui.view(),
        &View::Hop(eksnet_tui::diagnose::HopName::Targets)
    );
    let s = screen(&app, &clock);
    assert!(
        s.contains("hop targets") && s.contains("register-targets"),
        "{s}"
    );
    key(&mut app, &clock, KeyCode::Enter);
    assert_eq!(app.ui.view(), &View::List(Kind::Targets));
    let s = screen(&app, &clock);
    assert!(s.contains("STALE") && s.contains("MISSING"), "{s}");
    assert!(
        s.contains("main › hop targets › targets"),
        "breadcrumbs: {s}"
    );
    key(&mut app, &clock, KeyCode::Down);
    key(&mut app, &clock, KeyCode::Down);
    key(&mut app, &clock, KeyCode::Enter);
    assert!(matches!(
        app.ui.view(),
        View::Row {
            kind: Kind::Targets,
            ..
        }
    ));
    let s = screen(&app, &clock);
    assert!(s.contains("state") && s.contains("unhealthy"), "{s}");
    for _ in 0..3 {
        key(&mut app, &clock, KeyCode::Esc);
    }
    assert_eq!(app.ui.view(), &View::Main);
    assert_eq!(
        key(&mut app, &clock, KeyCode::Char('q')),
        vec![Effect::Quit]
    );
}

#[test]
fn help_lists_the_keymap_and_any_key_closes_it() {
    let (mut app, clock) = demo_app(Scenario::Healthy, 0);
    keys(&mut app, &clock, "?");
    assert_eq!(app.ui.mode, Mode::Help);
    let s = screen(&app, &clock);
    for k in [
        "Esc",
        "go back",
        "filter the current list",
        "OSC 52",
        "quit",
    ] {
        assert!(s.contains(k), "help lacks {k}: {s}");
    }
    key(&mut app, &clock, KeyCode::Esc);
    assert_eq!(app.ui.mode, Mode::Normal);
    assert_eq!(
        app.ui.view(),
        &View::Main,
        "closing help does not pop the view"
    );
}

#[test]
fn colon_jumps_and_unknown_kinds_say_what_is_accepted() {
    let (mut app, clock) = demo_app(Scenario::Healthy, 0);
    keys(&mut app, &clock, ":enis");
    key(&mut app, &clock, KeyCode::Enter);
    assert_eq!(app.ui.view(), &View::List(Kind::Enis));
    let s = screen(&app, &clock);
    assert!(
        s.contains("EKS-owned ENIs") && s.contains("192.168.10.63") && s.contains("registered"),
        "{s}"
    );
    keys(&mut app, &clock, ":bogus");
    key(&mut app, &clock, KeyCode::Enter);
    let s = screen(&app, &clock);
    assert!(
        s.contains("unknown resource kind 'bogus'") && s.contains(":targets"),
        "{s}"
    );
    for kind in Kind::ALL {
        keys(&mut app, &clock, &format!(":{}", kind.name()));
        key(&mut app, &clock, KeyCode::Enter);
        assert_eq!(app.ui.view(), &View::List(kind));
        assert!(screen(&app, &clock).contains(kind.title()));
    }
    assert_eq!(
        app.ui.stack.len(),
        2,
        "a jump replaces the list, it does not pile up"
    );
}

#[test]
fn slash_filters_the_current_list_and_esc_clears() {
    let (mut app, clock) = demo_app(Scenario::Healthy, 0);
    keys(&mut app, &clock, ":vpcs");
    key(&mut app, &clock, KeyCode::Enter);
    let all = screen(&app, &clock);
    assert!(all.contains("ops-public-a"), "{all}");
    keys(&mut app, &clock, "/eks-priv");
    let s = screen(&app, &clock);
    assert!(
        s.contains("eks-private-b") && !s.contains("ops-public-a"),
        "{s}"
    );
    assert!(
        s.contains("/eks-priv"),
        "the filter shows in the title: {s}"
    );
    key(&mut app, &clock, KeyCode::Enter);
    assert!(
        screen(&app, &clock).contains("/eks-priv"),
        "Enter keeps the filter"
    );
    keys(&mut app, &clock, "/");
    key(&mut app, &clock, KeyCode::Esc);
    assert!(
        screen(&app, &clock).contains("ops-public-a"),
        "Esc clears it"
    );
}

#[test]
fn tab_cycles_panes_and_copy_gives_the_selected_fix() {
    let (mut app, clock) = demo_app(Scenario::StaleTarget, 0);
    key(&mut app, &clock, KeyCode::Tab);
    let effects = key(&mut app, &clock, KeyCode::Char('c'));
    assert_eq!(effects.len(), 1);
    let Effect::Copy(fix) = &effects[0] else {
        panic!("{effects:?}")
    };
    assert!(
        fix.starts_with("aws elbv2 deregister-targets"),
        "the worst finding is selected first, its fix command copied: {fix}"
    );
    assert_eq!(
        key(&mut app, &clock, KeyCode::Char('r')),
        vec![Effect::Refresh]
    );
    let before = app.theme().name.clone();
    key(&mut app, &clock, KeyCode::Char('t'));
    assert_ne!(app.theme().name, before);
}

#[test]
fn verdict_cells_carry_symbol_and_colour() {
    let (app, clock) = demo_app(Scenario::RotationMissed, 0);
    let buf = draw(&app, clock.now(), 120, 40);
    let theme = app.theme();
    let find = |needle: &str| {
        for y in 0..buf.area.height {
            let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            if let Some(i) = line.find(needle) {
                let x = line[..i].chars().count() as u16;
                return (x, y);
            }
        }
        panic!("{needle} not on screen");
    };
    let (x, y) = find("✔ origin");
    assert_eq!(buf[(x, y)].fg, theme.colors.ok.0);
    let (x, y) = find("✖ api-server");
    assert_eq!(buf[(x, y)].fg, theme.colors.fail.0);
    // The selected (first failing) hop is drawn in the selection style.
    let (x, y) = find("✖ targets");
    assert_eq!(buf[(x, y)].bg, theme.colors.selection_bg.0);
}

#[test]
fn rotation_appears_in_the_event_log() {
    let (app, clock) = demo_app(Scenario::Healthy, 80);
    let events: Vec<String> = app.model.events.iter().map(|e| e.text.clone()).collect();
    assert!(events.iter().any(|e| e.contains("created")), "{events:?}");
    assert!(
        events.iter().any(|e| e.contains("registered")),
        "{events:?}"
    );
    let s = screen(&app, &clock);
    assert!(s.contains("Event log"), "{s}");
}

/// xorshift: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_keys_and_sizes_never_panic() {
    let (mut app, clock) = demo_app(Scenario::RotationMissed, 0);
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let codes = [
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Backspace,
    ];
    let chars = "jkhlgG/:?rctx0aq-enistargetsvpcdnzo ";
    let (mut w, mut h) = (120u16, 40u16);
    for i in 0..4000 {
        match rng.next() % 10 {
            0 => {
                w = 1 + (rng.next() % 300) as u16;
                h = 1 + (rng.next() % 100) as u16;
                app.update(Msg::Input(Event::Resize(w, h)), clock.now());
            }
            1..=4 => {
                let c = codes[(rng.next() % codes.len() as u64) as usize];
                key(&mut app, &clock, c);
            }
            _ => {
                let c = chars
                    .chars()
                    .nth((rng.next() % chars.len() as u64) as usize)
                    .unwrap();
                key(&mut app, &clock, KeyCode::Char(c));
            }
        }
        if i % 3 == 0 {
            draw(&app, clock.now(), w, h);
        }
    }
    for (w, h) in [(1, 1), (59, 14), (60, 15), (300, 100), (2, 80), (300, 2)] {
        draw(&app, clock.now(), w, h);
    }
}

#[test]
fn tiny_terminal_says_what_it_needs() {
    let app = empty_app();
    let s = text(&draw(&app, Clock::fixed().now(), 40, 10));
    assert!(
        s.contains("terminal too small") && s.contains("need 60×15, have 40×10"),
        "{s}"
    );
}

/// A fast-tier cycle reads only ENIs and target health; everything else is read once per
/// full cycle, and a source outside the tier only when its keys change.
#[test]
fn fast_cycles_read_only_enis_and_target_health() {
    use eksnet_tui::model::{Source, Tier};
    let fetches = common::poll_fetches(Scenario::Healthy, 5);
    let full = fetches[&Source::Cluster];
    // One cycle at start and one per minute.
    assert_eq!(full, 6, "{fetches:?}");
    for s in Source::ALL {
        let n = fetches.get(s).copied().unwrap_or(0);
        match s.spec().tier {
            Tier::Fast => assert_eq!(n, 31, "{s:?}: one per 10 s: {fetches:?}"),
            Tier::Slow => assert_eq!(n, full, "{s:?} outside full cycles: {fetches:?}"),
        }
    }
}

#[test]
fn help_closes_on_any_key_q_included() {
    let (mut app, clock) = demo_app(Scenario::Healthy, 0);
    for k in [KeyCode::Char('q'), KeyCode::Char('x'), KeyCode::Enter] {
        keys(&mut app, &clock, "?");
        assert_eq!(app.ui.mode, Mode::Help);
        assert_eq!(key(&mut app, &clock, k), vec![], "{k:?} does not quit");
        assert_eq!(app.ui.mode, Mode::Normal, "{k:?} closes help");
    }
}

fn copied(effects: Vec<Effect>) -> String {
    match effects.as_slice() {
        [Effect::Copy(t)] => t.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn c_copies_the_fix_of_a_finding_or_hop_and_y_the_whole_detail() {
    let (mut app, clock) = demo_app(Scenario::RotationMissed, 0);
    let worst = app
        .diagnosis
        .findings
        .iter()
        .filter(|f| f.hop == app.diagnosis.first_failure)
        .max_by_key(|f| f.severity)
        .expect("a failing finding")
        .clone();
    // On the path, the selected (failing) hop: its worst finding's fix.
    let fix = copied(key(&mut app, &clock, KeyCode::Char('c')));
    assert!(fix.starts_with("aws "), "a command: {fix}");
    assert!(
        worst.fix.contains(&fix) || app.diagnosis.findings.iter().any(|f| f.fix.contains(&fix)),
        "{fix}"
    );
    // The hop's detail: the same fix; `y` the whole detail.
    key(&mut app, &clock, KeyCode::Enter);
    assert_eq!(copied(key(&mut app, &clock, KeyCode::Char('c'))), fix);
    let detail = copied(key(&mut app, &clock, KeyCode::Char('y')));
    assert!(detail.starts_with("hop targets\n"), "{detail}");
    assert!(
        detail.contains("evidence") && detail.contains("fix:"),
        "{detail}"
    );
    // A finding in the findings list: its fix; its detail names the list.
    key(&mut app, &clock, KeyCode::Esc);
    key(&mut app, &clock, KeyCode::Tab);
    let first = app.diagnosis.findings[0].clone();
    let fix = copied(key(&mut app, &clock, KeyCode::Char('c')));
    assert!(
        first.fix.ends_with(fix.as_str())
            || first.fix.trim_end_matches('.').ends_with(fix.as_str()),
        "{fix}"
    );
    key(&mut app, &clock, KeyCode::Enter);
    let s = screen(&app, &clock);
    assert!(
        s.contains(&format!("main › findings › {}", first.id)),
        "{s}"
    );
    assert!(
        !s.contains("related findings") || !s.contains(&format!("FAIL {}:", first.id)),
        "{s}"
    );
    let detail = copied(key(&mut app, &clock, KeyCode::Char('y')));
    assert!(
        detail.contains(first.id) && detail.contains("fix"),
        "{detail}"
    );
    // Any other list: the row id.
    keys(&mut app, &clock, ":enis");
    key(&mut app, &clock, KeyCode::Enter);
    let id = copied(key(&mut app, &clock, KeyCode::Char('c')));
    assert!(id.starts_with("eni-"), "{id}");
}

#[test]
fn dns_selection_stays_on_its_sample_as_new_ones_arrive() {
    use eksnet_tui::model::{DnsOutcome, DnsSample, Fetched};
    let (mut app, clock) = demo_app(Scenario::Healthy, 20);
    keys(&mut app, &clock, ":dns");
    key(&mut app, &clock, KeyCode::Enter);
    key(&mut app, &clock, KeyCode::Down);
    key(&mut app, &clock, KeyCode::Down);
    let before = copied(key(&mut app, &clock, KeyCode::Char('c')));
    let n = app.model.live.dns.len();
    assert!(n >= 3, "{n} samples");
    for i in 1..=3 {
        let mut s: DnsSample = app.model.live.dns.iter().last().expect("a sample").clone();
        s.at += chrono::Duration::seconds(i);
        s.outcome = DnsOutcome::Timeout;
        feed(&mut app, Fetched::Dns(s), &clock);
    }
    let after = copied(key(&mut app, &clock, KeyCode::Char('c')));
    assert_eq!(after, before, "the cursor stays on the sample it was on");
    let s = screen(&app, &clock);
    let marked = s.lines().find(|l| l.contains('▶')).expect("a selected row");
    assert!(marked.contains(&before[..8]), "{marked} vs {before}");
}
