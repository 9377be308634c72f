<?php
// Validates iCalendar files with sabre/vobject as Debian ships it (php-sabre-vobject 2.1).
// Its own CLI, vobjectvalidate, cannot find its autoloader, and its validate() checks
// little beyond syntax and UTF-8, so this script adds what sabre/vobject 4 validates for
// a VEVENT: RFC 5545 §3.6.1 cardinalities, parsable date-times, DTEND after DTSTART.
// Usage: php sabre-validate.php FILE...  Prints one line per problem; exits 1 on any.

require_once '/usr/share/php/Sabre/VObject/autoload.php';

use Sabre\VObject\Reader;

$problems = [];
foreach (array_slice($argv, 1) as $file) {
    $report = function (string $message) use ($file, &$problems) {
        $problems[] = "$file: $message";
    };
    try {
        $calendar = Reader::read(file_get_contents($file));
    } catch (Exception $e) {
        $report($e->getMessage());
        continue;
    }
    if ($calendar->name !== 'VCALENDAR') {
        $report("not a VCALENDAR but {$calendar->name}");
        continue;
    }
    foreach ($calendar->validate() as $warning) {
        $report($warning['message']);
    }
    foreach (['VERSION', 'PRODID'] as $name) {
        if (count($calendar->select($name)) !== 1) $report("VCALENDAR needs exactly one $name");
    }
    foreach (['CALSCALE', 'METHOD'] as $name) {
        if (count($calendar->select($name)) > 1) $report("VCALENDAR has more than one $name");
    }
    if ((string) $calendar->VERSION !== '2.0') $report('VERSION is not 2.0');
    $events = $calendar->select('VEVENT');
    if (count($events) === 0) $report('no VEVENT');
    foreach ($events as $event) {
        $uid = (string) $event->UID;
        foreach (['UID', 'DTSTAMP', 'DTSTART'] as $name) {
            if (count($event->select($name)) !== 1) $report("VEVENT $uid needs exactly one $name");
        }
        $once = ['CLASS', 'CREATED', 'DESCRIPTION', 'DTEND', 'DURATION', 'GEO', 'LAST-MODIFIED',
            'LOCATION', 'ORGANIZER', 'PRIORITY', 'SEQUENCE', 'STATUS', 'SUMMARY', 'TRANSP', 'URL',
            'RECURRENCE-ID'];
        foreach ($once as $name) {
            if (count($event->select($name)) > 1) $report("VEVENT $uid has more than one $name");
        }
        if (isset($event->DTEND) && isset($event->DURATION)) $report("VEVENT $uid has DTEND and DURATION");
        foreach (['DTSTAMP', 'DTSTART', 'DTEND', 'LAST-MODIFIED', 'CREATED'] as $name) {
            if (!isset($event->$name)) continue;
            try {
                $event->$name->getDateTime();
            } catch (Exception $e) {
                $report("VEVENT $uid: $name: " . $e->getMessage());
            }
        }
        foreach (['DTSTAMP', 'LAST-MODIFIED', 'CREATED'] as $name) {
            if (isset($event->$name) && substr((string) $event->$name, -1) !== 'Z') {
                $report("VEVENT $uid: $name must be in UTC");
            }
        }
        if (isset($event->STATUS) && !in_array((string) $event->STATUS, ['TENTATIVE', 'CONFIRMED', 'CANCELLED'], true)) {
            $report("VEVENT $uid: STATUS {$event->STATUS} is not one for a VEVENT");
        }
        if (isset($event->SEQUENCE) && !preg_match('/^\d+$/', (string) $event->SEQUENCE)) {
            $report("VEVENT $uid: SEQUENCE is not a non-negative integer");
        }
        try {
            if (isset($event->DTEND) && $event->DTEND->getDateTime() <= $event->DTSTART->getDateTime()) {
                $report("VEVENT $uid: DTEND is not after DTSTART");
            }
        } catch (Exception $e) {
            // Reported above.
        }
    }
}
foreach ($problems as $problem) {
    echo $problem, "\n";
}
exit($problems ? 1 : 0);
