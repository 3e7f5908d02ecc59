//! Logs written to a file or a pipe are plain text: no ANSI colour codes.

#[test]
fn logs_to_a_pipe_carry_no_colour_codes() {
    let dir = std::env::temp_dir().join(format!("talentflyt-logs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_talentflyt"))
        .args(["migrate", "--database-url"])
        .arg(format!("sqlite://{}/logs.db", dir.display()))
        .env("RUST_LOG", "debug")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.lines().count() > 3,
        "debug logs were written: {stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "colour codes in piped logs: {stderr}"
    );
}
