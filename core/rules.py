"""The coaching rules the builder keeps, and the refusal it raises when a profile cannot keep them.

1. Nothing on the long-run day, whatever a template's ``place_on`` says.
2. A heavy session never on an intervals or tempo day, never on two days in a row, and
   not on the day after the long run unless the profile sets ``heavy_after_long_run``.
3. Activation warm-ups on intervals and tempo days, ending before the run.
4. Strength on easy, recovery, cross-training or rest days, after the run where there is one,
   and ending the same day.
5. Every full Monday-to-Sunday week holds the strength sessions asked for (a new athlete asking
   for three does two for ``habit_weeks``), on the same weekdays every week, the session types
   rotating so each reaches the athlete within a fortnight; a short first or last week holds
   the sessions whose days it has. The plan is refused only when no week can hold them. A new
   athlete's first week holds no heavy session.
6. Progression: a session type starts at the bottom of its ranges for a new athlete, in the
   middle for a returning one and at the top for an experienced one; its work never drops
   from one session of that type to the next and rises at most 20% (or the single smallest
   step) a time; past the top it progresses by tempo, band or load and harder variants. The
   one exception: a deload week, marked in the plan, drops a set from each strength block.
7. An exercise needing equipment the athlete lacks is swapped for the closest one they can
   do (by movement pattern, prime movers, plane, sidedness and difficulty), never one already
   in the session, with the replacement's own dose; the swap is recorded on the block.
8. No session is longer than its window; a session that would be is shortened with a note
   (fewer sets first, so every movement stays; then the warm-up and cool-down; then the last
   strength moves), or, when one exercise alone is too long, left out with a note. A session
   shorter than the athlete's minimum is fine: the routine is complete, and the plan says so.
9. The same inputs give the same plan, byte for byte; ids derive from the inputs.
"""

from __future__ import annotations

from .errors import InputError, Problem


class BuildRefusal(InputError):
    """A profile the rules cannot be kept for: which rule, on which days, and the profile field to change.

    ``pointer`` is the JSON Pointer of that field in the athlete profile, so a caller can show
    it beside the file name without reading the message."""

    def __init__(self, rule: int, pointer: str, message: str, days: tuple[str, ...] = (), source: str | None = None):
        self.rule = rule
        self.pointer = pointer
        self.days = tuple(days)
        self.reason = message
        super().__init__(Problem(pointer, message, source))

    def with_source(self, source: str) -> BuildRefusal:
        return BuildRefusal(self.rule, self.pointer, self.reason, self.days, self.problems[0].source or source)
