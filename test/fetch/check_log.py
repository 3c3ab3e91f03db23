#!/usr/bin/python3
"""Checks on the request log of fake_genesys.py, for test/fetch.sh. Each check prints nothing and
exits 0 when it holds, or prints why not and exits 1.

  check_log.py jobs LOG FROM TO          every job request is a documented AsyncConversationQuery
                                         and, in order, their intervals tile [FROM, TO) exactly
  check_log.py pages LOG                 per job: the first page asked without a cursor, then each
                                         page once, in order, with no gap (truncated pages excepted)
  check_log.py retry_after LOG           after each 429 with Retry-After: R, the same request came
                                         back no sooner than R seconds later
  check_log.py retried LOG KIND...       each fault of these kinds was followed by the same request
                                         (same path and query) answered 2xx
  check_log.py count LOG FIELD=VALUE...  prints how many entries have all these fields
"""
import json
import re
import sys

QUERY_MEMBERS = {"interval", "conversationFilters", "segmentFilters", "evaluationFilters",
                 "mediaEndpointStatFilters", "surveyFilters", "resolutionFilters", "order", "orderBy",
                 "limit", "startOfDayIntervalMatching"}
INSTANT = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


def entries(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def fail(message):
    print(message)
    sys.exit(1)


def check_jobs(log, start, end):
    creates = [e for e in entries(log) if e["kind"] == "create" and "body" in e]
    if not creates:
        fail("no job request")
    position = start
    for e in creates:
        body = e["body"]
        if e.get("content_type") != "application/json":
            fail("job request sent as %r" % e.get("content_type"))
        if not isinstance(body, dict) or not set(body) <= QUERY_MEMBERS:
            fail("job request with members outside AsyncConversationQuery: %r" % body)
        match = re.fullmatch("(%s)/(%s)" % (INSTANT, INSTANT), body.get("interval", ""))
        if not match:
            fail("interval not of the form start/end in UTC with milliseconds: %r" % body)
        if match.group(1) != position:
            fail("job interval %s does not start where the one before ended (%s)" % (body["interval"], position))
        position = match.group(2)
    if position != end:
        fail("the job intervals end at %s, not %s" % (position, end))


def check_pages(log):
    jobs = {}
    for e in entries(log):
        if e["kind"] == "results" and e["status"] == 200 and not e.get("truncated") and "offset" in e:
            jobs.setdefault(e["path"].split("/")[-2], []).append(e)
    if not jobs:
        fail("no results page was read")
    for job, pages in jobs.items():
        if "cursor" in pages[0]["query"]:
            fail("job %s: the first page was asked with a cursor" % job)
        expected = 0
        for p in pages:
            if p["offset"] != expected:
                fail("job %s: page at offset %d asked, %d expected" % (job, p["offset"], expected))
            if (p["offset"] == 0) == ("cursor" in p["query"]):
                fail("job %s: page at offset %d asked %s a cursor" % (job, p["offset"],
                                                                      "with" if p["offset"] == 0 else "without"))
            expected += len(p["served"])


def check_retry_after(log):
    log = entries(log)
    asked = [(i, e) for i, e in enumerate(log) if e.get("fault") == "429" and "retry_after" in e]
    if not asked:
        fail("no 429 with Retry-After in the log")
    for i, e in asked:
        later = [x for x in log[i + 1:] if x["kind"] == e["kind"]]
        if not later:
            fail("nothing was sent again after a 429")
        if later[0]["t"] - e["t"] < e["retry_after"]:
            fail("sent again %.3f s after a 429 asking for %s s" % (later[0]["t"] - e["t"], e["retry_after"]))


def check_retried(log, kinds):
    log = entries(log)
    for kind in kinds:
        faults = [i for i, e in enumerate(log) if e.get("fault") == kind]
        if not faults:
            fail("no %s fault happened" % kind)
        for i in faults:
            again = [x for x in log[i + 1:] if x["path"] == log[i]["path"] and x["query"] == log[i]["query"]
                     and x["method"] == log[i]["method"]]
            if not any(200 <= x["status"] < 300 and not x.get("fault") for x in again):
                fail("the request of a %s fault (%s) was never answered afterwards" % (kind, log[i]["path"]))


def count(log, conditions):
    wanted = dict(c.split("=", 1) for c in conditions)
    print(sum(1 for e in entries(log) if all(str(e.get(k)) == v for k, v in wanted.items())))


def main():
    command, log, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    if command == "jobs":
        check_jobs(log, rest[0], rest[1])
    elif command == "pages":
        check_pages(log)
    elif command == "retry_after":
        check_retry_after(log)
    elif command == "retried":
        check_retried(log, rest)
    elif command == "count":
        count(log, rest)
    else:
        fail("unknown check %s" % command)


if __name__ == "__main__":
    main()
