//! The healthy demo through a control-plane rotation: the path stays up, the verdict never
//! turns FAIL, and the event log holds one line per real change.

mod common;

use common::demo_app;
use eksnet_tui::diagnose::history::cells;
use eksnet_tui::diagnose::path::HopStatus;
use eksnet_tui::sources::demo::Scenario;

#[test]
fn healthy_demo_stays_calm_through_a_rotation() {
    // Rotations at 45 s and 225 s; by 300 s the automation has caught up with both.
    let (app, clock) = demo_app(Scenario::Healthy, 300);
    let events: Vec<String> = app.model.events.iter().map(|e| e.text.clone()).collect();
    let verdicts: Vec<&String> = events.iter().filter(|e| e.starts_with("verdict")).collect();
    // Automation at work is no change of the verdict.
    assert!(verdicts.is_empty(), "{events:#?}");
    assert!(
        events.iter().all(|e| !e.starts_with("probe")),
        "no probe failed: {events:#?}"
    );
    // The rotation itself is in the log.
    assert!(events.iter().any(|e| e.contains("created")), "{events:#?}");
    assert!(
        events.iter().any(|e| e.contains("deregistered")),
        "{events:#?}"
    );
    // And no hop was judged anything but OK (or skipped) at any point of the window.
    for hop in &app.diagnosis.hops {
        let cells = cells(&app.history, hop.name, clock.now());
        assert!(
            cells
                .iter()
                .all(|s| matches!(s, HopStatus::Ok | HopStatus::Skipped | HopStatus::Unknown)),
            "{}: {cells:?}",
            hop.name
        );
    }
    assert_eq!(
        app.diagnosis.verdict,
        HopStatus::Ok,
        "{:#?}",
        app.diagnosis.findings
    );
}
