"""Screenshots of the weekly ritual with the demo company (the same throwaway instance as docs/screenshots.py).

    .venv/bin/python docs/ritual_screenshots.py [--out docs]

Writes reminder-email.png and digest-email.png (the HTML part of the messages `cadence reminders send` and
`cadence digest send` leave in the instance outbox), kr-chart.png (a key result's history against its
expected pace), thread.png (a key result's conversation with an @mention) and phone-check-in.png (the weekly
check-in at 390 px wide). Nothing leaves the machine: no SMTP relay is configured and the browser may only
reach 127.0.0.1."""
from __future__ import annotations

import argparse
import email
import logging
import shutil
import sys
import tempfile
from email import policy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import CHROMIUM_ARGS, ROOT, Camera, build_app, seed, served  # noqa: E402


def mail_html(outbox: Path, kind: str, address: str) -> str:
    for path in sorted(outbox.glob(f"*-{kind}.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in message["To"]:
            return message.get_body(("html",)).get_content()
    raise SystemExit(f"No {kind} for {address} in {outbox}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    out = args.out.resolve()
    executable = shutil.which("chromium") or sys.exit("Debian's chromium is needed: apt-get install chromium")

    from playwright.sync_api import sync_playwright

    from okr_app.clock import today
    from okr_app.extensions import db
    from okr_app.ritual.digest import send_digests
    from okr_app.ritual.reminders import send_reminders

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="cadence-ritual-") as folder:
        instance = Path(folder) / "instance"
        app = build_app(instance)
        demo = seed(app)
        with app.app_context():
            send_reminders(today())
            send_digests(today())
            db.session.commit()
        with served(app) as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
            camera = Camera(browser, base_url, demo.password)
            try:
                shots = browser.new_page(viewport={"width": 720, "height": 600})
                for kind, address, name in (("checkin_reminder", demo.employee, "reminder-email.png"),
                                            ("digest", demo.manager, "digest-email.png")):
                    shots.set_content(mail_html(instance / "outbox", kind, address))
                    shots.screenshot(path=str(out / name), full_page=True)
                    print(f"Wrote docs/{name}")
                shots.close()

                kr = f"/okrs/key-results/{demo.key_result_id}"
                camera.sign_in(demo.manager)
                page = camera.open(kr)
                page.get_by_label("Ask a question or answer one about this key result").fill(
                    "Which of these closes first? @Alex Chen, shall we ask legal for the Globex draft today?")
                page.get_by_role("button", name="Post", exact=True).click()
                page.wait_for_load_state("networkidle")
                camera.sign_in(demo.employee)
                page = camera.open(kr)
                page.get_by_label("Ask a question or answer one about this key result").fill(
                    "Globex first: legal has the draft since Monday. Initech slips to next week.")
                page.get_by_role("button", name="Post", exact=True).click()
                page.wait_for_load_state("networkidle")
                page.locator("figure.kr-history").screenshot(path=str(out / "kr-chart.png"))
                print("Wrote docs/kr-chart.png")
                page.locator("section#thread").screenshot(path=str(out / "thread.png"))
                print("Wrote docs/thread.png")

                phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
                camera.context.close()
                camera.context, camera.page = phone, phone.new_page()
                camera.open("/login")
                camera.page.get_by_label("Email").fill(demo.employee)
                camera.page.get_by_label("Password").fill(demo.password)
                camera.page.get_by_role("button", name="Sign in").click()
                camera.page.wait_for_load_state("networkidle")
                camera.open("/check-in")
                camera.shoot(out / "phone-check-in.png")
            finally:
                camera.close()
                browser.close()


if __name__ == "__main__":
    main()
