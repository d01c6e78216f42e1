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
    let eks = eksnet_tui::model::Api::Eks;
    for s in Source::ALL.iter().filter(|s| s.used_for(&eks)) {
        let n = fetches.get(s).copied().unwrap_or(0);
        match s.spec().tier {
            Tier::Fast => assert_eq!(n, 31, "{s:?}: one per 10 s: {fetches:?}"),
            Tier::Slow => assert_eq!(n, full, "{s:?} outside full cycles: {fetches:?}"),
        }
    }
}

#[test]
fn a_source_that_stops_answering_marks_its_hops_stale_logs_and_lists_it() {
    use eksnet_tui::model::{Fetched, Source, SourceError};
    let (mut app, clock) = demo_app(Scenario::Healthy, 0);
    let s = screen(&app, &clock);
    assert!(s.contains("✔ targets →") && !s.contains("(stale)"), "{s}");
    let kept = app.model.targets.value().cloned().expect("targets loaded");
    let later = clock.now() + chrono::Duration::seconds(3);
    let timeout = SourceError::timeout("elasticloadbalancing:DescribeTargetHealth");
    app.update(
        Msg::Fetched(Box::new(Fetched::failed(Source::Targets, timeout))),
        later,
    );
    let s = text(&draw(&app, later, 120, 40));
    let marked = ["2s", "3s"]
        .iter()
        .any(|a| s.contains(&format!("✔ targets {a} old →")));
    assert!(
        marked,
        "the hop keeps its status, marked with the data's age: {s}"
    );
    assert!(
        s.contains("✔ origin →"),
        "hops that do not rest on it are not: {s}"
    );
    assert!(
        s.contains("(stale)"),
        "the header says the verdict rests on stale data: {s}"
    );
    let logged = |app: &App, text: &str| app.model.events.iter().any(|e| e.text.starts_with(text));
    assert!(logged(&app, "source targets failed: timed out"));

    keys(&mut app, &clock, ":sources");
    key(&mut app, &clock, KeyCode::Enter);
    assert_eq!(app.ui.view(), &View::List(Kind::Sources));
    let s = text(&draw(&app, later, 120, 40));
    assert!(s.contains("targets: data ") && s.contains("s old"), "{s}");
    let row = s.lines().find(|l| l.contains(" targets  "));
    let row = row.expect("a row for target health");
    assert!(row.contains("stale") && row.contains("timed out"), "{row}");

    let again = later;
    app.update(Msg::Fetched(Box::new(Fetched::Targets(Ok(kept)))), again);
    key(&mut app, &clock, KeyCode::Esc);
    let s = text(&draw(&app, again, 120, 40));
    assert!(s.contains("✔ targets →") && !s.contains("(stale)"), "{s}");
    assert!(logged(&app, "source targets recovered"));
}

fn selection(app: &App, kind: Kind) -> usize {
    app.ui
        .selection(kind.name(), app.visible_rows(kind).map(|r| r.id.as_str()))
}

fn jump(app: &mut App, clock: &Clock, kind: &str) {
    keys(app, clock, &format!(":{kind}"));
    key(app, clock, KeyCode::Enter);
}

fn ids(app: &App, kind: Kind) -> Vec<String> {
    app.visible_rows(kind).map(|r| r.id.clone()).collect()
}

#[test]
fn s_and_shift_letters_sort_the_list_and_keep_the_selection() {
    let (mut app, clock) = demo_app(Scenario::RotationMissed, 0);
    jump(&mut app, &clock, "targets");
    let built = ids(&app, Kind::Targets);
    assert!(built.len() >= 3, "{built:?}");
    key(&mut app, &clock, KeyCode::Down);
    let selected = app.visible_rows(Kind::Targets).nth(1).unwrap().id.clone();
    // Shift + K: the KIND column, up then down.
    app.update(
        Msg::Input(Event::Key(KeyEvent::new(
            KeyCode::Char('N'),
            KeyModifiers::SHIFT,
        ))),
        clock.now(),
    );
    let up = ids(&app, Kind::Targets);
    let s = screen(&app, &clock);
    assert!(s.contains("by NAME / TARGET ↑"), "{s}");
    let names: Vec<String> = app
        .visible_rows(Kind::Targets)
        .map(|r| r.cells[1].text.to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| eksnet_tui::ui::rows::order::natural(a, b));
    assert_eq!(names, sorted);
    let i = selection(&app, Kind::Targets);
    assert_eq!(up[i], selected, "the selected row stays selected");
    app.update(
        Msg::Input(Event::Key(KeyEvent::new(
            KeyCode::Char('N'),
            KeyModifiers::SHIFT,
        ))),
        clock.now(),
    );
    assert!(screen(&app, &clock).contains("by NAME / TARGET ↓"));
    let mut down = ids(&app, Kind::Targets);
    down.reverse();
    // Equal names keep their built order both ways, so only compare the names.
    assert_eq!(down.len(), up.len());
    // `s` steps from the first column; once past the last, the built order is back.
    app.ui.sorts.clear();
    key(&mut app, &clock, KeyCode::Char('s'));
    assert!(screen(&app, &clock).contains("by KIND ↑"));
    for _ in 0..40 {
        key(&mut app, &clock, KeyCode::Char('s'));
        if app.ui.sorts.is_empty() {
            break;
        }
    }
    assert!(app.ui.sorts.is_empty());
    assert_eq!(ids(&app, Kind::Targets), built);
}

#[test]
fn colon_q_quits_and_tab_completes_jumps() {
    let (mut app, clock) = demo_app(Scenario::Healthy, 0);
    keys(&mut app, &clock, ":q");
    assert_eq!(key(&mut app, &clock, KeyCode::Enter), vec![Effect::Quit]);
    // A unique prefix completes at once.
    keys(&mut app, &clock, ":ta");
    key(&mut app, &clock, KeyCode::Tab);
    assert_eq!(app.ui.input, "targets");
    key(&mut app, &clock, KeyCode::Enter);
    assert_eq!(app.ui.view(), &View::List(Kind::Targets));
    // A shared prefix extends, then each Tab shows the next match.
    keys(&mut app, &clock, ":p");
    let mut seen = vec![];
    for _ in 0..3 {
        key(&mut app, &clock, KeyCode::Tab);
        seen.push(app.ui.input.clone());
    }
    assert_eq!(seen, ["peering", "probes", "peering"]);
    key(&mut app, &clock, KeyCode::Esc);
    keys(&mut app, &clock, ":endp");
    key(&mut app, &clock, KeyCode::Tab);
    assert_eq!(app.ui.input, "endpoints");
    key(&mut app, &clock, KeyCode::Esc);
    assert_eq!(app.ui.mode, Mode::Normal);
    keys(&mut app, &clock, "?");
    assert!(screen(&app, &clock).contains(":main"), "help lists :main");
}

#[test]
fn leaving_a_list_clears_its_filter() {
    let (mut app, clock) = demo_app(Scenario::Healthy, 0);
    jump(&mut app, &clock, "vpcs");
    keys(&mut app, &clock, "/eks-priv");
    key(&mut app, &clock, KeyCode::Enter);
    assert_eq!(app.ui.filter("vpcs"), "eks-priv");
    // Into a row and back: still the same list, the filter stays.
    key(&mut app, &clock, KeyCode::Enter);
    key(&mut app, &clock, KeyCode::Esc);
    assert_eq!(app.ui.filter("vpcs"), "eks-priv");
    key(&mut app, &clock, KeyCode::Esc);
    assert_eq!(app.ui.view(), &View::Main);
    assert_eq!(app.ui.filter("vpcs"), "");
    jump(&mut app, &clock, "vpcs");
    assert!(screen(&app, &clock).contains("ops-public-a"));
    // A jump elsewhere leaves it too.
    keys(&mut app, &clock, "/eks");
    key(&mut app, &clock, KeyCode::Enter);
    jump(&mut app, &clock, "enis");
    assert_eq!(app.ui.filter("vpcs"), "");
}

fn click(app: &mut App, x: u16, y: u16, now: chrono::DateTime<chrono::Utc>) -> Vec<Effect> {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    app.update(
        Msg::Input(Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })),
        now,
    )
}

/// The last screen line on which `needle` is drawn in the left 70 columns.
fn line_of(app: &App, clock: &Clock, needle: &str) -> u16 {
    screen(app, clock)
        .lines()
        .map(|l| l.chars().take(70).collect::<String>())
        .collect::<Vec<_>>()
        .iter()
        .rposition(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not on screen")) as u16
}

#[test]
fn a_click_selects_a_row_and_a_double_click_opens_it() {
    let (mut app, clock) = demo_app(Scenario::RotationMissed, 0);
    app.update(Msg::Input(Event::Resize(120, 40)), clock.now());
    jump(&mut app, &clock, "targets");
    let rows = ids(&app, Kind::Targets);
    let third = rows[2].clone();
    let text = app.visible_rows(Kind::Targets).nth(2).unwrap().cells[1]
        .text
        .clone();
    let y = line_of(&app, &clock, &text);
    let t0 = clock.now();
    click(&mut app, 10, y, t0);
    assert_eq!(selection(&app, Kind::Targets), 2);
    assert_eq!(app.ui.view(), &View::List(Kind::Targets));
    // Too slow for a double-click.
    click(&mut app, 10, y, t0 + chrono::TimeDelta::milliseconds(900));
    assert_eq!(app.ui.view(), &View::List(Kind::Targets));
    click(&mut app, 10, y, t0 + chrono::TimeDelta::milliseconds(1200));
    assert_eq!(
        app.ui.view(),
        &View::Row {
            kind: Kind::Targets,
            id: third
        }
    );
    // On the main screen a click focuses the pane and selects the row under it.
    key(&mut app, &clock, KeyCode::Esc);
    key(&mut app, &clock, KeyCode::Esc);
    assert_eq!(app.ui.view(), &View::Main);
    // The row as the findings pane draws it: severity, then the start of the id (the path
    // pane names the same ids in its evidence).
    let row = app.visible_rows(Kind::Findings).nth(1).unwrap();
    let second = format!(
        "{} {}",
        row.cells[0].text,
        row.cells[1].text.chars().take(12).collect::<String>()
    );
    let y = line_of(&app, &clock, &second);
    click(&mut app, 5, y, t0);
    assert_eq!(app.ui.focus, eksnet_tui::ui::state::Pane::Findings);
    assert_eq!(selection(&app, Kind::Findings), 1);
    click(&mut app, 5, 4, t0);
    assert_eq!(app.ui.focus, eksnet_tui::ui::state::Pane::Path);
    // The wheel scrolls.
    use crossterm::event::{MouseEvent, MouseEventKind};
    jump(&mut app, &clock, "targets");
    let before = selection(&app, Kind::Targets);
    app.update(
        Msg::Input(Event::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: 5,
            row: 10,
            modifiers: KeyModifiers::NONE,
        })),
        t0,
    );
    assert_eq!(selection(&app, Kind::Targets), before + 1);
}

#[test]
fn the_footer_shows_only_keys_that_work_here() {
    let (mut app, clock) = demo_app(Scenario::Healthy, 0);
    let footer = |app: &App| {
        screen(app, &clock)
            .lines()
            .nth(39)
            .unwrap_or("")
            .to_string()
    };
    let main = footer(&app);
    assert!(main.contains("open") && main.contains("jump"), "{main}");
    assert!(!main.contains("filter") && !main.contains("sort"), "{main}");
    jump(&mut app, &clock, "enis");
    let list = footer(&app);
    assert!(
        list.contains("filter") && list.contains("sort") && list.contains("back"),
        "{list}"
    );
    key(&mut app, &clock, KeyCode::Enter);
    let detail = footer(&app);
    assert!(
        detail.contains("back") && !detail.contains("filter"),
        "{detail}"
    );
}

#[test]
fn no_color_keeps_reverse_on_the_selection_and_bold_on_the_focus() {
    use ratatui::style::{Color, Modifier};
    let (mut app, clock) = demo_app(Scenario::RotationMissed, 0);
    app.themes = app.themes.drain(..).map(|t| t.monochrome()).collect();
    let buf = draw(&app, clock.now(), 120, 40);
    for cell in buf.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
    let s = text(&buf);
    let y = s.lines().position(|l| l.contains("✖ targets")).unwrap() as u16;
    let x = s
        .lines()
        .nth(y as usize)
        .unwrap()
        .split("✖ targets")
        .next()
        .unwrap()
        .chars()
        .count() as u16;
    assert!(
        buf[(x, y)].modifier.contains(Modifier::REVERSED),
        "the selected hop"
    );
    assert!(
        buf[(0, 2)].modifier.contains(Modifier::BOLD),
        "the focused path border"
    );
    jump(&mut app, &clock, "enis");
    let buf = draw(&app, clock.now(), 120, 40);
    let s = text(&buf);
    let y = s.lines().position(|l| l.contains('▶')).unwrap() as u16;
    assert!(
        buf[(10, y)].modifier.contains(Modifier::REVERSED),
        "the selected row"
    );
    insta::assert_snapshot!("no-color-enis-120x40", s);
}

#[test]
fn term_dumb_refuses_the_view_and_points_to_check() {
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("{} --demo healthy", env!("CARGO_BIN_EXE_eksnet-tui")),
            "/dev/null",
        ])
        .env("TERM", "dumb")
        .output()
        .expect("script(1) gives the binary a terminal");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("eksnet-tui check"), "{text}");
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
