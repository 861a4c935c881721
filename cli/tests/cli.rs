//! The `icseth` binary as a user runs it: exit codes and messages of its commands (the full `demo`
//! run is part of ./scripts/check.sh, which runs it as the README's first command does).
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn icseth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_icseth"))
        .args(args)
        .output()
        .expect("the icseth binary runs")
}

/// `icseth report --state <state> --out <out>`.
fn report(state: &Path, out: &Path) -> Output {
    icseth(&[
        "report",
        "--state",
        state.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audit.json")
}

#[test]
fn report_renders_a_recorded_state_into_markdown_and_svg() {
    let out = scratch("report");
    let state = fixture();
    let run = report(&state, &out);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let markdown = std::fs::read_to_string(out.join("report.md")).unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains(&markdown), "the report is printed as written");
    assert!(markdown.contains("Rate: **1.000120000000000000 ETH per icsETH**"));
    let json = std::fs::read_to_string(out.join("audit.json")).unwrap();
    assert!(json.contains("\"rate\": \"1000120000000000000\""), "{json}");
    let svg = std::fs::read_to_string(out.join("chart.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("polyline"));
}

#[test]
fn a_missing_state_says_to_run_the_demo_and_exits_6() {
    let out = scratch("missing");
    let run = icseth(&["report", "--state", out.join("none.json").to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(6));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("run `icseth demo` first"), "{stderr}");
    assert!(!out.join("report.md").exists());
}

#[test]
fn a_corrupt_state_is_named_and_exits_6() {
    let dir = scratch("corrupt");
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("audit.json");
    std::fs::write(&state, "{\"source\": 1}").unwrap();
    let run = report(&state, &dir);
    assert_eq!(run.status.code(), Some(6));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.starts_with("error: recorded state:"), "{stderr}");
}

#[test]
fn a_missing_toolchain_is_explained_before_any_build_and_exits_3() {
    let out = scratch("no-toolchain");
    let empty = scratch("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_icseth"))
        .args(["build", "--out", out.to_str().unwrap()])
        .env("PATH", &empty)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("toolchain: cannot run rustc"), "{stderr}");
    assert!(stderr.contains("./scripts/toolchain.sh"), "{stderr}");
    assert!(!out.exists(), "nothing was written");
}

#[test]
fn usage_errors_exit_2_with_the_usage() {
    let run = icseth(&["deploy"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("Usage: icseth"));
}

#[test]
fn a_record_that_breaks_an_identity_is_reported_and_exits_7() {
    let dir = scratch("inconsistent");
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("audit.json");
    let text = std::fs::read_to_string(fixture()).unwrap();
    let broken = text.replace(
        "\"buffered\": \"92000000000000000000\"",
        "\"buffered\": \"91000000000000000000\"",
    );
    assert_ne!(text, broken);
    std::fs::write(&state, broken).unwrap();
    let run = report(&state, &dir);
    assert_eq!(run.status.code(), Some(7));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("the accounting's books balance"), "{stderr}");
    let markdown = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(markdown.contains("| the accounting's books balance | **NO** |"));
}

#[test]
fn a_demo_on_an_unreachable_node_fails_at_once_with_its_own_exit_code() {
    // Port 1 on loopback: nothing listens there; nothing is built before the node answers.
    let out = scratch("unreachable");
    let contracts = scratch("unreachable-contracts");
    let run = icseth(&[
        "demo",
        "--url",
        "ws://127.0.0.1:1",
        "--contracts",
        contracts.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(8));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.starts_with("error: cannot use the chain at ws://127.0.0.1:1: "),
        "{stderr}"
    );
    assert!(
        !contracts.exists(),
        "nothing was built for a chain that does not answer"
    );
    assert!(!out.exists());
}

/// `icseth deploy` with `args`, standard input empty and no `ICSETH_SECRET`.
fn deploy(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_icseth"))
        .arg("deploy")
        .args(args)
        .env_remove("ICSETH_SECRET")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the icseth binary runs")
}

fn secret_file(name: &str, secret: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("secret");
    std::fs::write(&path, secret).unwrap();
    path
}

#[test]
fn a_deploy_without_a_secret_or_with_a_bad_one_is_refused_before_the_chain_is_asked() {
    // No secret anywhere: exit 9, before the (unreachable) chain is tried.
    let run = deploy(&["--url", "ws://127.0.0.1:1"]);
    assert_eq!(
        run.status.code(),
        Some(9),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("no secret"), "{stderr}");

    // A secret that is no key: refused without quoting it.
    let bad = "not a key at all//";
    let path = secret_file("bad-secret", bad);
    let run = deploy(&[
        "--url",
        "ws://127.0.0.1:1",
        "--secret-file",
        path.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(9));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!stderr.contains(bad), "the secret was printed: {stderr}");
}

#[test]
fn a_deploy_names_a_bad_account_flag_and_an_unreachable_chain() {
    let path = secret_file("dev-secret", "//Alice");
    let secret = path.to_str().unwrap();
    let run = deploy(&[
        "--url",
        "ws://127.0.0.1:1",
        "--secret-file",
        secret,
        "--guardian",
        "nobody",
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--guardian: nobody is neither"));

    let run = deploy(&["--url", "ws://127.0.0.1:1", "--secret-file", secret]);
    assert_eq!(run.status.code(), Some(8));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.starts_with("error: cannot use the chain at ws://127.0.0.1:1: "),
        "{stderr}"
    );
    assert!(!stderr.contains("//Alice"));
}
