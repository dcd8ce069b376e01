// Reads iCalendar files with Mozilla's ical.js (the parser inside Thunderbird), using only
// each file's own VTIMEZONEs, and prints what it understood as one JSON document:
// {"<file>": [{"uid", "start", "end"} (UTC seconds), ...] or {"error": "..."}}.
// One process reads many files, so a test pays node's start-up once.
"use strict";
const fs = require("fs");
const path = require("path");
const loaded = require(path.resolve(process.argv[2]));
const ICAL = loaded.default || loaded;

const files = JSON.parse(fs.readFileSync(0, "utf8"));
const result = {};
for (const file of files) {
  try {
    const calendar = new ICAL.Component(ICAL.parse(fs.readFileSync(file, "utf8")));
    const zones = calendar.getAllSubcomponents("vtimezone").map((vtz) => new ICAL.Timezone(vtz));
    zones.forEach((zone) => ICAL.TimezoneService.register(zone));
    result[file] = calendar.getAllSubcomponents("vevent").map((vevent) => {
      const event = new ICAL.Event(vevent);
      const zoneOf = (time) => (time.zone ? time.zone.tzid : null);
      return {
        uid: event.uid,
        start: event.startDate.toUnixTime(),
        end: event.endDate.toUnixTime(),
        start_zone: zoneOf(event.startDate),
        summary: event.summary,
        description: event.description,
      };
    });
    zones.forEach((zone) => ICAL.TimezoneService.remove(zone.tzid));
  } catch (error) {
    result[file] = { error: String(error) };
  }
}
process.stdout.write(JSON.stringify(result));
