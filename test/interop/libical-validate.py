#!/usr/bin/python3
"""Validates iCalendar files with libical (Debian: gir1.2-ical-3.0, python3-gi).

libical marks whatever it cannot parse with X-LIC-ERROR properties; with --itip it also
checks each component against the iTIP (RFC 5546) rules of the calendar's METHOD, which
for PUBLISH require DTSTAMP, DTSTART, ORGANIZER, SUMMARY and UID in every VEVENT.
Usage: libical-validate.py [--itip] FILE...  Prints one line per problem; exits 1 on any.
"""
import sys

import gi

gi.require_version('ICalGLib', '3.0')
from gi.repository import ICalGLib  # noqa: E402


def errors(component):
    # libical iterates a component's properties and children with one cursor per
    # component, which most getters move: collect first, describe afterwards.
    messages = []
    prop = component.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    while prop is not None:
        messages.append(prop.get_xlicerror())
        prop = component.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    children = []
    child = component.get_first_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    while child is not None:
        children.append(child)
        child = component.get_next_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    where = ICalGLib.Component.kind_to_string(component.isa())
    if component.isa() == ICalGLib.ComponentKind.VEVENT_COMPONENT:
        where += f' {component.get_uid()}'
    found = [f'{where}: {message}' for message in messages]
    for child in children:
        found.extend(errors(child))
    return found


def main(args):
    itip = '--itip' in args
    problems = []
    for path in [arg for arg in args if arg != '--itip']:
        with open(path, encoding='utf-8') as file:
            text = file.read()
        calendar = ICalGLib.Component.new_from_string(text)
        if calendar is None:
            problems.append(f'{path}: libical could not parse it')
            continue
        if itip:
            calendar.check_restrictions()
        problems.extend(f'{path}: {error}' for error in errors(calendar))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
