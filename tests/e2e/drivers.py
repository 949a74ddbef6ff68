"""How a person works a page: with a pointer, or with the keyboard alone.

Journeys are written once against these drivers and run in each mode. `Pointer` clicks and fills like a mouse user
(and, in a context with JavaScript off, like a no-script user). `Keyboard` reaches every control with Tab or
Shift+Tab (arrow keys inside a radio group), types into the focused control and activates with Enter or Space;
at every stop it checks that the browser shows where the focus is.
"""

import re

from playwright.sync_api import Locator, Page

MAX_TAB_STOPS = 400
# What a focus indicator can change; compared before and after the element takes the focus.
FOCUS_STYLE = """el => { const s = getComputedStyle(el);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor, s.backgroundColor]; }"""


class Pointer:
    """Clicks and fills, as with a mouse or a touch screen."""

    def __init__(self, page: Page, base_url: str):
        self.page, self.base_url = page, base_url

    def goto(self, path: str, locale: str = "en") -> None:
        self.page.goto(f"{self.base_url}{path}?lang={locale}")

    def field(self, target: str | Locator) -> Locator:
        """A form control by its exact label, or any locator."""
        return self.page.get_by_label(target, exact=True) if isinstance(target, str) else target

    def control(self, target: str | re.Pattern | Locator) -> Locator:
        """A button by its accessible name, or any locator (a link, a summary)."""
        return self.page.get_by_role("button", name=target) if isinstance(target, str | re.Pattern) else target

    def fill(self, target, text: str) -> None:
        self.field(target).fill(text)

    def select(self, target, option: str) -> None:
        """Choose an option of a select by its visible label."""
        self.field(target).select_option(label=option)

    def check(self, target) -> None:
        self.field(target).check()

    def upload(self, target, *paths) -> None:
        self.field(target).set_input_files([str(path) for path in paths])

    def toggle(self, target) -> None:
        """Open or close a disclosure (a details summary): no page load."""
        self.control(target).click()

    def submit(self, target) -> None:
        """Press a button or follow a link, and wait for the page it loads."""
        with self.page.expect_navigation():
            self.control(target).click()


class Keyboard(Pointer):
    """Tab, Shift+Tab, arrows, Enter and Space only; typing goes to the focused control."""

    def focus(self, target: Locator) -> None:
        """Move the focus to `target` with Tab (Shift+Tab when it lies before the focus), checking that every stop
        on the way shows a focus indicator, and that `target` looks different once focused.

        A radio button is reached like a person does: Tab into its group, then arrow keys to it.
        """
        target.wait_for()
        if target.evaluate("el => document.activeElement === document.body && el.closest('main') !== null"):
            self.page.keyboard.press("Tab")  # a new page: its first stop, the skip link, jumps past the header
            self.page.keyboard.press("Enter")
        unfocused = None if self._stop(target)["on_target"] else target.evaluate(FOCUS_STYLE)
        backwards = target.evaluate("""el => { const a = document.activeElement; return a !== document.body
            && !!(el.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING); }""")
        for key, goal in (
            ("Shift+Tab" if backwards else "Tab", "reached"),
            ("ArrowDown", "on_target"),
        ):  # next radio of the group, whatever the text direction
            for _ in range(MAX_TAB_STOPS):
                stop = self._stop(target)
                assert stop["shown"], f"no visible focus on {stop['html']}"
                if stop[goal]:
                    break
                self.page.keyboard.press(key)
            else:
                raise AssertionError(f"{target} cannot be reached with the keyboard")
        focused = target.evaluate(FOCUS_STYLE)
        assert unfocused is None or focused != unfocused, f"{target} looks the same with the focus"

    def fill(self, target, text: str) -> None:
        field = self.field(target)
        self.focus(field)
        if field.get_attribute("type") == "date":  # typed segment by segment, month/day/year in en-US
            year, month, day = text.split("-")
            text = month + day + year
        else:
            self.page.keyboard.press("Control+A")  # replace what the field holds, as a person would
        self.page.keyboard.type(text)

    def select(self, target, option: str) -> None:
        """Type-ahead on the first word picks the option, as in any native select (a space would open its list);
        the arrow keys then settle any tie."""
        select = self.field(target)
        self.focus(select)
        self.page.keyboard.type(option.split(" ")[0])
        for _ in range(MAX_TAB_STOPS):
            if select.evaluate("el => el.selectedOptions[0]?.label") == option:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"no option {option!r} in {select}")

    def check(self, target) -> None:
        box = self.field(target)
        self.focus(box)
        if not box.is_checked():
            self.page.keyboard.press("Space")
        assert box.is_checked()

    def upload(self, target, *paths) -> None:
        """Enter on the focused file input opens the system's file dialog, which is not the page's to test (and
        headless Chromium opens it unreliably): the files are handed to the focused input, as that dialog does."""
        field = self.field(target)
        self.focus(field)
        field.set_input_files([str(path) for path in paths])

    def toggle(self, target) -> None:
        self.focus(self.control(target))
        self.page.keyboard.press("Enter")

    def submit(self, target) -> None:
        self.focus(self.control(target))
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    @staticmethod
    def _stop(target: Locator) -> dict:
        """Where the focus is: on `target`, or on a radio button of its group (arrow keys go on from there), and
        whether it shows. What is no tab stop (the page itself, `main` after the skip link) has nothing to show; a
        part the browser draws inside its own control (a date field's calendar button) gets the browser's ring."""
        return target.evaluate("""el => { const a = document.activeElement, s = getComputedStyle(a);
            const on_target = a === el;
            const reached = on_target || (el.type === "radio" && a.type === "radio" && a.name === el.name
                                          && a.form === el.form);
            const shown = a.tabIndex < 0 || !a.matches(":focus")
                || (s.outlineStyle !== "none" && s.outlineWidth !== "0px") || s.boxShadow !== "none";
            return {on_target, reached, shown, html: a.outerHTML.slice(0, 160)}; }""")


DRIVERS = {"pointer": Pointer, "keyboard": Keyboard, "no-javascript": Pointer}
MODES = list(DRIVERS)
