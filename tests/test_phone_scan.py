"""The Android cable scan, end to end against fake phones on loopback, driven by the real adb client.

No phone here: tests/fakephone.py speaks the device side of the adb protocol and replays recorded
command output. The real Debian adb (installed by .ci/run) connects to it as it would to a phone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from fakephone import FakePhone, Reply
from safetyhelper import indicators as ind
from safetyhelper.adb import AdbSession, PhoneProblem, parse_devices, private_parent
from safetyhelper.phonescan import COMMANDS, analyse, parse_components, parse_device_policy, parse_packages, report_lines, scan

SNAPSHOT = ind.load(ind.shipped_path())
COMMON_APPS_FILE = Path(__file__).parent / "data" / "common-uk-apps.txt"

PLAY = "com.android.vending"
POLICY_WITH_ADMIN = """\
Current Device Policy Manager state:
  Immutable state:
    mHasFeature=true
  Enabled Device Admins (User 0, provisioningState: 0):
    {admin}/.receiver.AdminReceiver:
      uid=10234
      testOnlyAdmin=false
      policies:
        force-lock
        wipe-data
"""
POLICY_WITH_WORK_PROFILE = """\
Current Device Policy Manager state:
  Profile Owner (User 10):
    admin=ComponentInfo{com.example.work/com.example.work.AdminReceiver}
    name=Work profile
  Enabled Device Admins (User 10, provisioningState: 3):
    com.example.work/.AdminReceiver:
      uid=1010234
"""
POLICY_WITH_OWNER = """\
Current Device Policy Manager state:
  Device Owner:
    admin=ComponentInfo{com.example.mdm/com.example.mdm.Receiver}
    name=Example MDM
  Enabled Device Admins (User 0, provisioningState: 3):
    com.example.mdm/.Receiver:
      uid=10111
"""


def outputs(packages: dict[str, str | None], *, policy: str = "Current Device Policy Manager state:\n",
            accessibility: str = "null", notifications: str = "null", props: dict[str, str] | None = None,
            su: str | None = None) -> dict[str, str | Reply]:
    """What a phone's shell says to each of the scan's commands. ``packages`` maps a package name to its
    installer (None: came with the phone, not a user app)."""
    props = {"debuggable": "0", "build_tags": "release-keys", "boot_state": "green", **(props or {})}
    system = {"com.android.settings": None, "com.google.android.gms": None, "com.android.systemui": None}
    every = {**system, **packages}
    return {
        COMMANDS["packages"]: "".join(f"package:{p}  installer={i or 'null'}\n" for p, i in every.items()),
        COMMANDS["third_party"]: "".join(f"package:{p}\n" for p, i in packages.items() if i is not None or p not in system),
        COMMANDS["device_policy"]: policy,
        COMMANDS["accessibility"]: accessibility + "\n",
        COMMANDS["notifications"]: notifications + "\n",
        COMMANDS["debuggable"]: props["debuggable"] + "\n",
        COMMANDS["build_tags"]: props["build_tags"] + "\n",
        COMMANDS["boot_state"]: props["boot_state"] + "\n",
        # The shell's `command -v` says nothing and exits 1 when there is no su.
        COMMANDS["su"]: Reply("", "", 1) if su is None else su,
    }


CLEAN = outputs({"com.whatsapp": PLAY, "bbc.iplayer.android": PLAY}, notifications="com.whatsapp/com.whatsapp.Notify")
STALKERWARE = outputs(
    {"com.whatsapp": PLAY, "com.systemservice": None},
    policy=POLICY_WITH_ADMIN.format(admin="com.systemservice"),
    accessibility="com.systemservice/com.systemservice.AccessService",
    notifications="com.whatsapp/com.whatsapp.Notify:com.systemservice/.Listener",
)
WATCHWARE = outputs(
    {"com.life360.android.safetymapd": PLAY, "com.example.cleaner": "com.android.packageinstaller"},
    policy=POLICY_WITH_ADMIN.format(admin="com.example.cleaner"),
)
ROOTED = outputs({"com.topjohnwu.magisk": "com.android.packageinstaller"}, props={"boot_state": "orange"}, su="/system/bin/su\n")


@pytest.fixture
def private_env(tmp_path, monkeypatch):
    """A HOME and TMPDIR of our own, to see that a scan leaves nothing in them; ADB_USB=0 so a scan here
    never meets a real phone on this computer's USB."""
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANDROID_", "ADB_"))}
    env.update(HOME=str(home), TMPDIR=str(tmp), ADB_USB="0", ADB_EMU="0", SAFETYHELPER_DATA_DIR=str(tmp_path / "data"))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("tempfile.tempdir", None)
    return env, home, tmp


def our_adb_servers() -> list[int]:
    """Every adb server process on this machine: ours (``adb nodaemon server``) and any a client would
    start by itself (``adb ... fork-server server``): a scan must leave neither."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                argv = (proc / "cmdline").read_bytes().split(b"\0")
                state = (proc / "stat").read_text().split(") ", 1)[1][:1]
            except (OSError, IndexError):
                continue
            if argv and argv[0].endswith(b"adb") and b"server" in argv and state != "Z":
                pids.append(int(proc.name))
    return pids


def adb_folders() -> set[Path]:
    """The private folders AdbSession makes (in the runtime folder, or the temp folder)."""
    parents = {Path(private_parent() or tempfile.gettempdir()), Path(tempfile.gettempdir())}
    return {p for parent in parents for p in parent.glob("safetyhelper-adb-*")}


def run_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "safetyhelper", "phone", *args], env=env, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


# --------------------------------------------------------------------------- end to end, through real adb


def test_a_phone_with_stalkerware(private_env):
    env, home, tmp = private_env
    with FakePhone(STALKERWARE) as phone:
        done = run_cli(env, "scan", "--serial", phone.serial)
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert "Found 1 known monitoring app:" in out
    assert "TheTruthSpy (com.systemservice)" in out
    assert "known spying app (stalkerware)" in out
    assert "device admin app" in out and "read the screen" in out and "read every notification" in out
    assert "Do not remove or turn off anything yet" in out
    assert "Echap" in out and "CC BY 4.0" in out
    assert "safe" not in out.lower().replace("safety", "")
    assert phone.commands == list(COMMANDS.values())


def test_a_phone_with_a_family_tracker_and_an_unknown_device_admin(private_env):
    env, _home, _tmp = private_env
    with FakePhone(WATCHWARE) as phone:
        done = run_cli(env, "scan", "--serial", phone.serial, "--json")
    assert done.returncode == 1, done.stderr
    result = json.loads(done.stdout)
    assert [(f["name"], f["kind"]) for f in result["found"]] == [("Life360", "watchware")]
    access = {f["package"]: f for f in result["access"]}
    assert access["com.example.cleaner"]["powers"] == ["device-admin"]
    assert access["com.example.cleaner"]["installer"] == "com.android.packageinstaller"
    assert result["root"] == [] and result["exit_code"] == 1
    assert result["known"] == SNAPSHOT.android_apps and result["indicators_date"] == "2026-06-21"


def test_a_clean_phone_is_never_called_safe(private_env):
    env, _home, _tmp = private_env
    with FakePhone(CLEAN) as phone:
        done = run_cli(env, "scan", "--serial", phone.serial)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"None of the {SNAPSHOT.android_apps} known monitoring apps was found." in out
    assert "Some monitoring apps hide under other names" in out and "a specialist can look" in out
    assert "safe" not in out.lower() and "clean" not in out.lower()
    assert "com.whatsapp" in out  # notification access is shown, so she can check she knows it


def test_signs_of_root_count_as_found(private_env):
    env, _home, _tmp = private_env
    with FakePhone(ROOTED) as phone:
        done = run_cli(env, "scan", "--serial", phone.serial, "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["root"] == ["root-app:Magisk", "su", "unlocked"]


def test_an_unauthorised_phone_says_tap_allow_then_gives_up(private_env):
    env, _home, _tmp = private_env
    with FakePhone(CLEAN, authorised=False) as phone:
        done = run_cli(env, "scan", "--serial", phone.serial, "--allow-wait", "1")
        assert phone.commands == [] and phone.prompts >= 1
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and "Traceback" not in done.stderr
    assert lines[0].startswith("Now look at the phone") and "tap Allow" in lines[0]
    assert "has not allowed this computer" in lines[1] and "tap Allow" in lines[1]


def test_the_scan_waits_while_someone_unlocks_the_phone_and_taps_allow(private_env):
    env, _home, _tmp = private_env
    with FakePhone(STALKERWARE, authorised=False, allow_after=1.0) as phone:
        done = run_cli(env, "scan", "--serial", phone.serial, "--allow-wait", "20")
        assert phone.prompts >= 1 and phone.commands == list(COMMANDS.values())
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Now look at the phone")
    assert "TheTruthSpy (com.systemservice)" in done.stdout


def test_no_phone_and_more_than_one_phone(private_env):
    env, _home, _tmp = private_env
    done = run_cli(env, "scan", "--json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["state"] == "no-phone"
    assert "No phone found" in done.stderr and "USB debugging" in done.stderr
    with FakePhone(CLEAN) as one, FakePhone(CLEAN) as two, AdbSession() as session:
        session.connect(one.serial)
        session.connect(two.serial)
        with pytest.raises(PhoneProblem) as raised:
            scan(session, SNAPSHOT)
        assert raised.value.state == "several"
        assert "More than one phone" in str(raised.value)
        assert scan(session, SNAPSHOT, one.serial).exit_code == 0  # --serial picks one
        assert two.commands == []


def test_a_phone_that_goes_away_during_the_scan(private_env):
    with FakePhone(CLEAN) as phone, AdbSession() as session:
        def unplug(done: int, total: int) -> None:
            if done == 2:
                phone.stop()

        with pytest.raises(PhoneProblem) as raised:
            scan(session, SNAPSHOT, phone.serial, progress=unplug)
    assert raised.value.state in ("lost", "not-found")


def test_a_phone_that_refuses_one_question_is_never_nothing_found(private_env):
    """Shell protocol: the phone's own exit code comes back. A refused read ends the scan with one line,
    exit 2 (never "None of the ... was found")."""
    env, _home, _tmp = private_env
    refused = {**CLEAN, COMMANDS["device_policy"]: Reply("", "Permission Denial: can't dump DevicePolicyManager\n", 255)}
    with FakePhone(refused) as phone:
        done = run_cli(env, "scan", "--serial", phone.serial, "--json")
        assert phone.commands == list(COMMANDS.values())[:3]
    assert done.returncode == 2
    assert json.loads(done.stdout) == {"state": "refused", "message": done.stderr.strip().removeprefix("safetyhelper: "), "exit_code": 2}
    assert done.stderr.count("\n") == 1 and "would not answer" in done.stderr and "was found" not in done.stderr


@pytest.mark.parametrize("data", [CLEAN, ROOTED], ids=["clean", "rooted"])
def test_an_old_phone_without_the_shell_protocol(private_env, data):
    """Android 6 and older: no exit codes, stderr mixed into stdout. The scan reads it all the same."""
    env, _home, _tmp = private_env
    with FakePhone(data, shell_v2=False) as phone:  # no exit codes: `command -v su` failing looks like success
        done = run_cli(env, "scan", "--serial", phone.serial, "--json")
        assert all(s.startswith("shell:") for s in phone.services)
    found = json.loads(done.stdout)
    assert done.returncode == (1 if data is ROOTED else 0), done.stderr
    assert found["root"] == ([] if data is CLEAN else ["root-app:Magisk", "su", "unlocked"])


def test_a_scan_leaves_no_trace(private_env):
    env, home, tmp = private_env
    before, folders = our_adb_servers(), adb_folders()
    with FakePhone(STALKERWARE) as phone:
        done = run_cli(env, "scan", "--serial", phone.serial)
    assert done.returncode == 1
    assert adb_folders() == folders
    assert list(home.iterdir()) == [], "nothing in HOME (no ~/.android/adbkey)"
    assert list(tmp.iterdir()) == [], "nothing in the temp folder (no adb log, no private folder left)"
    assert not (Path(env["SAFETYHELPER_DATA_DIR"])).exists()
    assert our_adb_servers() == before, "the adb server the scan started is stopped"


def test_cancel_from_another_thread_during_a_scan_stops_adb_and_removes_its_folder(private_env):
    before = adb_folders()
    outcome: list[object] = []
    # The phone takes a minute over each answer: only a cancel that kills adb, not one that waits for it,
    # ends the scan before the join below gives up.
    with FakePhone(STALKERWARE, delay=60) as phone:
        session = AdbSession()
        folder = Path(session.home)

        def scanning() -> None:
            try:
                with session:
                    outcome.append(scan(session, SNAPSHOT, phone.serial))
            except PhoneProblem as exc:
                outcome.append(exc.state)

        worker = threading.Thread(target=scanning)
        worker.start()
        end = time.monotonic() + 10
        while not phone.commands and time.monotonic() < end:
            time.sleep(0.02)
        assert phone.commands, "the scan was under way"
        assert (folder / ".android" / "adbkey").exists(), "adb's key went to the private folder"
        assert our_adb_servers(), "our adb server was running"
        session.cancel()
        worker.join(20)
        assert not worker.is_alive(), "cancel does not wait on adb"
    assert outcome == ["cancelled"]
    assert not folder.exists() and adb_folders() == before
    assert our_adb_servers() == []


def test_recall_every_package_in_the_snapshot_is_found_through_adb(private_env):
    every = {p: None for p in sorted(SNAPSHOT.packages)}
    with FakePhone(outputs(every)) as phone, AdbSession() as session:
        result = scan(session, SNAPSHOT, phone.serial)
    assert {f.package for f in result.found} == SNAPSHOT.packages
    by_name = {(a.name, a.kind): a for a in SNAPSHOT.apps}
    assert all(f.package in by_name[(f.name, f.kind)].packages for f in result.found), "each named by an app that lists it"
    assert len({f.name for f in result.found}) >= SNAPSHOT.android_apps - 5  # a few apps share package names


# --------------------------------------------------------------------------- matching, without adb


def analysed(said: dict[str, str]):
    """analyse() of a fake phone's outputs (keyed by command) without going through adb."""
    stdout = {key: said[command] for key, command in COMMANDS.items()}
    return analyse({key: out if isinstance(out, str) else out.stdout for key, out in stdout.items()}, SNAPSHOT)


def test_no_false_positive_on_200_common_uk_apps():
    lines = COMMON_APPS_FILE.read_text().splitlines()
    COMMON_APPS = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert len(COMMON_APPS) == len(set(COMMON_APPS)) == 200
    result = analysed(outputs({p: PLAY for p in COMMON_APPS}))
    assert result.found == [] and result.root == [] and result.exit_code == 0
    assert result.user_apps == 200


def test_a_known_app_holding_access_outside_this_users_list_is_still_found():
    said = outputs({"com.whatsapp": PLAY}, policy=POLICY_WITH_WORK_PROFILE.replace("com.example.work", "com.systemservice"))
    result = analysed(said)
    assert [(f.package, f.name, f.powers) for f in result.found] == [
        ("com.systemservice", "TheTruthSpy", ["profile-owner", "device-admin"])]
    assert result.exit_code == 1


def test_a_work_profile_owner_is_told_as_strong_access():
    result = analysed(outputs({"com.whatsapp": PLAY}, policy=POLICY_WITH_WORK_PROFILE))
    assert [(f.package, f.powers) for f in result.access] == [("com.example.work", ["profile-owner", "device-admin"])]
    assert result.exit_code == 0


def test_matching_is_exact_never_by_prefix():
    near = ["com.systemservice2", "com.systemservic", "org.com.systemservice", "com.fone.app", "com.guesthouse"]
    assert analysed(outputs({p: PLAY for p in near})).found == []


def test_a_package_in_both_lists_is_told_as_stalkerware():
    both = [p for p in SNAPSHOT.packages
            if {a.kind for a in SNAPSHOT.apps if p in a.packages} == {"stalkerware", "watchware"}]
    assert both, "the June 2026 snapshot has packages in both files"
    assert all(SNAPSHOT.match(p).kind == "stalkerware" for p in both)


def test_parsers_read_what_phones_print():
    assert parse_packages("package:a.b  installer=com.android.vending\r\npackage:c.d  installer=null\nnoise\n") == {
        "a.b": PLAY, "c.d": ""}
    assert parse_components("a.b/.X:c.d/c.d.Y\n") == {"a.b", "c.d"}
    assert parse_components("null") == set()
    owner = parse_device_policy(POLICY_WITH_OWNER)
    assert owner["device-owner"] == {"com.example.mdm"} and owner["device-admin"] == {"com.example.mdm"}


def test_a_component_named_after_the_admin_sections_is_not_an_admin():
    """The dump is indented as a tree (Android 11 to 14): only lines under a heading belong to it."""
    dump = """\
Current Device Policy Manager state:
  Immutable state:
    mHasFeature=true
  Device Owner: --
  Profile Owner (User 10):
    admin=ComponentInfo{com.example.work/com.example.work.AdminReceiver}
    name=Work profile
  Enabled Device Admins (User 0, provisioningState: 0):
    com.google.android.gms/com.google.android.gms.mdm.receivers.MdmDeviceAdminReceiver:
      uid=10147
      policies:
        wipe-data

    mPasswordOwner=-1
  Enabled Device Admins (User 10, provisioningState: 3):
    com.example.work/.AdminReceiver:
      uid=1010234
  Other state:
    mLastSecurityLog=ComponentInfo{com.android.shell/com.android.shell.Receiver}
    com.example.other/.NotAnAdmin:
"""
    assert parse_device_policy(dump) == {
        "device-owner": set(), "profile-owner": {"com.example.work"},
        "device-admin": {"com.google.android.gms", "com.example.work"},
    }


def test_adb_devices_lines():
    found = parse_devices(
        "List of devices attached\n"
        "127.0.0.1:34839\tdevice product:fakeproduct model:Pixel_7 device:fakedevice transport_id:1\n"
        "R58M12ABCDE\tunauthorized transport_id:2\n"
        "emulator-5554\tno permissions (user in plugdev group; are your udev rules wrong?); see [http://x]\n\n"
    )
    assert [(d.serial, d.state) for d in found] == [
        ("127.0.0.1:34839", "device"), ("R58M12ABCDE", "unauthorized"), ("emulator-5554", "no permissions")]


def test_the_report_words():
    found = analysed(STALKERWARE)
    lines = report_lines(found)
    assert lines[0] == "Found 1 known monitoring app:"
    none = report_lines(analysed(CLEAN))
    assert none[0] == f"None of the {SNAPSHOT.android_apps} known monitoring apps was found."
    assert not any("safe" in line.lower() for line in none)


@pytest.mark.parametrize("serial", ["bad\x1b[31m:x\n", "9" * 5000, "127.0.0.1:99999999999999999999", ":"])
def test_a_bad_serial_is_one_line(private_env, serial):
    env, home, tmp = private_env
    done = run_cli(env, "scan", "--serial", serial)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "That phone is not connected" in done.stderr
    assert list(home.iterdir()) == [] and list(tmp.iterdir()) == []


def test_the_adb_server_dies_with_the_app_even_when_the_app_is_killed(private_env):
    env, _home, _tmp = private_env
    code = (
        "import sys, time\n"
        "from safetyhelper.adb import AdbSession\n"
        "s = AdbSession(); s.start(); print(s.home, flush=True); time.sleep(60)\n"
    )
    before = our_adb_servers()
    child = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
    try:
        folder = Path(child.stdout.readline().strip())
        assert len(our_adb_servers()) == len(before) + 1, "the server was running"
    finally:
        child.kill()  # no clean-up code runs: SIGKILL
        child.wait()
    end = time.monotonic() + 5
    while our_adb_servers() != before and time.monotonic() < end:
        time.sleep(0.05)
    assert our_adb_servers() == before, "the server got the parent-death signal"
    shutil.rmtree(folder, ignore_errors=True)  # the one trace a SIGKILL can leave (in XDG_RUNTIME_DIR where there is one)
