"""Timeline layout without Qt, shared by the window and every export.

- ``content``: what a timeline shows (lanes, instances, ranges, the membership strip);
- ``placement``: where each marker and label goes (rows, priority, keys, density);
- ``axis``: date ticks whose labels never overprint.
"""

from cspo_viewer.layout.content import (
    FOUNDING_KIND,
    KIND_PRIORITY,
    MARGIN_FRACTION,
    Lanes,
    MemberBand,
    TimelineContent,
    assign_lanes,
    build_content,
    is_period,
    marker_day,
    member_band,
    story_start,
    with_margin,
)
from cspo_viewer.layout.placement import (
    BADGE_SCALE,
    ClusterHit,
    EventHit,
    Hit,
    LanePlan,
    LayoutStyle,
    Plan,
    Viewport,
    choose_homes,
    lane_rows,
    plan_view,
    unnamed,
)

__all__ = [
    "BADGE_SCALE",
    "FOUNDING_KIND",
    "KIND_PRIORITY",
    "MARGIN_FRACTION",
    "ClusterHit",
    "EventHit",
    "Hit",
    "LanePlan",
    "Lanes",
    "LayoutStyle",
    "MemberBand",
    "Plan",
    "TimelineContent",
    "Viewport",
    "assign_lanes",
    "build_content",
    "choose_homes",
    "is_period",
    "lane_rows",
    "marker_day",
    "member_band",
    "plan_view",
    "story_start",
    "unnamed",
    "with_margin",
]
