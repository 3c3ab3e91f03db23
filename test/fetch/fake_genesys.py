#!/usr/bin/python3
"""A stand-in of the Genesys Cloud API for the gcstitch-fetch tests: on 127.0.0.1 only, on a port
the system picks (written to --port-file), and it stops by itself after --lifetime seconds.

It implements what gcstitch-fetch calls, with the shapes of the platform SDK models
(PureCloudPlatformClientV2 255-270):
  POST /oauth/token                                   client credentials grant, HTTP basic auth
  GET  /api/v2/analytics/conversations/details/jobs/availability    DataAvailabilityResponse
  POST /api/v2/analytics/conversations/details/jobs                 AsyncConversationQuery -> AsyncQueryResponse
  GET  /api/v2/analytics/conversations/details/jobs/{jobId}         AsyncQueryStatus
  GET  /api/v2/analytics/conversations/details/jobs/{jobId}/results AnalyticsConversationAsyncQueryResponse
A job serves the conversations of --export whose lifetime overlaps its interval (Genesys's
documented default for jobs), ordered by conversationStart, --page-size a page, by cursor.

The expected client id and secret come from the environment (FAKE_CLIENT_ID, FAKE_CLIENT_SECRET),
never from the command line. The request log (--log, one JSON object a line) holds methods, paths,
query strings, statuses and job request bodies, never a credential or a token.

--scenario is a JSON object:
  page_size       conversations a page (default 50)
  availability    dataAvailabilityDate (default 2024-11-05T00:00:00.000Z)
  token_lifetime  expires_in of tokens (default 86399)
  polls_pending   status polls answered QUEUED then PENDING before FULFILLED (default 1)
  fail_jobs       the first N jobs made end FAILED (default 0); expire_jobs: then N end EXPIRED
  results_delay   seconds each results page waits before it is sent (default 0)
  second_export   another export file, served by jobs made after the first second_export_after
  faults          a list of {"on": "token"|"availability"|"create"|"status"|"results",
                  "nth": N (1 = first request of that kind), "count": K (default 1),
                  "kind": "429"|"500"|"503"|"drop"|"reset"|"truncate"|"expire_token"|"gone",
                  "retry_after": seconds (429 only; absent = no Retry-After header)}
"""
import argparse
import base64
import calendar
import json
import os
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JOBS = "/api/v2/analytics/conversations/details/jobs"
QUERY_MEMBERS = {"interval", "conversationFilters", "segmentFilters", "evaluationFilters",
                 "mediaEndpointStatFilters", "surveyFilters", "resolutionFilters", "order", "orderBy",
                 "limit", "startOfDayIntervalMatching"}
INSTANT = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z"
INTERVAL = re.compile("^(%s)/(%s)$" % (INSTANT, INSTANT))


def parse_instant(text):
    """Milliseconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.mmm]Z"."""
    date, _, rest = text.partition("T")
    clock, _, frac = rest.rstrip("Z").partition(".")
    y, mo, d = (int(x) for x in date.split("-"))
    h, mi, s = (int(x) for x in clock.split(":"))
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) * 1000 + int((frac + "000")[:3])


def load_export(path):
    with open(path, encoding="utf-8") as f:
        conversations = json.load(f)["conversations"]
    conversations.sort(key=lambda c: c["conversationStart"])
    return [(parse_instant(c["conversationStart"]),
             parse_instant(c["conversationEnd"]) if "conversationEnd" in c else None, c)
            for c in conversations]


class Fake:
    """All the state of the stand-in, behind one lock."""

    def __init__(self, args, scenario):
        self.lock = threading.Lock()
        self.scenario = scenario
        self.exports = [load_export(args.export)]
        if scenario.get("second_export"):
            self.exports.append(load_export(scenario["second_export"]))
        self.client_id = os.environ["FAKE_CLIENT_ID"]
        self.client_secret = os.environ["FAKE_CLIENT_SECRET"]
        self.tokens = {}            # token -> expiry (epoch seconds)
        self.jobs = {}              # job id -> dict
        self.counts = {}            # request kind -> requests seen
        self.log = open(args.log, "a", encoding="utf-8")

    def count(self, kind):
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return self.counts[kind]

    def fault(self, kind, n):
        for f in self.scenario.get("faults", []):
            if f["on"] == kind and f["nth"] <= n < f["nth"] + f.get("count", 1):
                return f
        return None

    def record(self, entry):
        entry["t"] = time.time()
        self.log.write(json.dumps(entry) + "\n")
        self.log.flush()

    def new_token(self):
        token = "tok-%d-%s" % (len(self.tokens) + 1, base64.b32encode(os.urandom(10)).decode())
        self.tokens[token] = time.time() + self.scenario.get("token_lifetime", 86399)
        return token

    def token_valid(self, token):
        return token in self.tokens and self.tokens[token] > time.time()

    def revoke_tokens(self):
        for token in self.tokens:
            self.tokens[token] = 0

    def new_job(self, start, end):
        number = len(self.jobs) + 1
        fail = self.scenario.get("fail_jobs", 0)
        expire = self.scenario.get("expire_jobs", 0)
        end_state = "FAILED" if number <= fail else "EXPIRED" if number <= fail + expire else "FULFILLED"
        export = self.exports[-1] if (len(self.exports) > 1 and
                                      number > self.scenario.get("second_export_after", 0)) else self.exports[0]
        job_id = "job%04d-%s" % (number, base64.b32encode(os.urandom(5)).decode().lower())
        self.jobs[job_id] = {"polls": 0, "end_state": end_state, "start": start, "end": end,
                             "rows": [c for (s, e, c) in export if s < end and (e is None or e > start)]}
        return job_id


def error_body(status, message, code):
    return {"message": message, "code": code, "status": status}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake = None                     # set in main()

    def log_message(self, *args):   # the request log is written by Fake.record
        pass

    # -- answering -------------------------------------------------------------------------
    def send_json(self, status, obj, headers=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        return status

    def apply_fault(self, fault):
        """Answers as the fault says; returns the status logged, or None to answer normally."""
        kind = fault["kind"]
        if kind in ("429", "500", "503"):
            headers = [("Retry-After", str(fault["retry_after"]))] if "retry_after" in fault else []
            message = "Rate limit exceeded the maximum." if kind == "429" else "The service is unavailable."
            return self.send_json(int(kind), error_body(int(kind), message, "too.many.requests" if kind == "429"
                                                        else "internal.server.error"), headers)
        if kind == "drop":          # a response cut off: headers promise more than is sent
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 100000\r\n\r\n{\"conversations\": [")
            self.wfile.flush()
            self.close_connection = True
            return -1
        if kind == "reset":         # the connection torn down without a word
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return -2
        if kind == "expire_token":  # every token issued so far stops working now
            self.fake.revoke_tokens()
            return None
        if kind == "gone":
            return self.send_json(404, error_body(404, "Job not found.", "not.found"))
        return None

    # -- checks ----------------------------------------------------------------------------
    def bearer_ok(self):
        auth = self.headers.get("Authorization", "")
        return auth.startswith("Bearer ") and self.fake.token_valid(auth[7:])

    def basic_ok(self):
        auth = self.headers.get("Authorization", "")
        expected = base64.b64encode(("%s:%s" % (self.fake.client_id, self.fake.client_secret)).encode()).decode()
        return auth == "Basic " + expected

    def read_body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length) if length else b""

    # -- routes ----------------------------------------------------------------------------
    def token(self, body):
        form = urllib.parse.parse_qs(body.decode())
        entry = {"grant_type": form.get("grant_type"), "basic_ok": self.basic_ok(),
                 "content_type": self.headers.get("Content-Type")}
        if (form.get("grant_type") != ["client_credentials"] or
                self.headers.get("Content-Type") != "application/x-www-form-urlencoded" or not self.basic_ok()):
            return self.send_json(401, {"error": "invalid_client", "description": "client authentication failed"}), entry
        return self.send_json(200, {"access_token": self.fake.new_token(), "token_type": "bearer",
                                    "expires_in": self.fake.scenario.get("token_lifetime", 86399)}), entry

    def create_job(self, body):
        entry = {"content_type": self.headers.get("Content-Type")}
        try:
            query = json.loads(body)
        except ValueError:
            return self.send_json(400, error_body(400, "Invalid JSON.", "bad.request")), entry
        entry["body"] = query
        match = INTERVAL.match(query.get("interval", "")) if isinstance(query, dict) else None
        if (self.headers.get("Content-Type") != "application/json" or not isinstance(query, dict) or
                not set(query) <= QUERY_MEMBERS or match is None or
                parse_instant(match.group(1)) >= parse_instant(match.group(3))):
            return self.send_json(400, error_body(400, "Invalid query.", "bad.request")), entry
        job_id = self.fake.new_job(parse_instant(match.group(1)), parse_instant(match.group(3)))
        entry["job"] = job_id
        return self.send_json(202, {"jobId": job_id}), entry

    def job_status(self, job_id):
        job = self.fake.jobs.get(job_id)
        if job is None:
            return self.send_json(404, error_body(404, "Job not found.", "not.found")), {}
        job["polls"] += 1
        pending = self.fake.scenario.get("polls_pending", 1)
        state = ("QUEUED" if job["polls"] <= pending // 2 else "PENDING") if job["polls"] <= pending else job["end_state"]
        answer = {"state": state, "submissionDate": "2024-11-05T00:00:00.000Z"}
        if state == "FAILED":
            answer["errorMessage"] = "Query failed: internal analytics error (stand-in)"
        if state == "FULFILLED":
            answer["completionDate"] = "2024-11-05T00:00:01.000Z"
            answer["expirationDate"] = "2024-11-06T00:00:01.000Z"
        return self.send_json(200, answer), {"state": state}

    def results(self, job_id, query, truncate):
        job = self.fake.jobs.get(job_id)
        if job is None or job["end_state"] != "FULFILLED" or job["polls"] <= self.fake.scenario.get("polls_pending", 1):
            return self.send_json(404, error_body(404, "Job not found or not fulfilled.", "not.found")), {}
        offset = 0
        if "cursor" in query:
            owner, _, number = base64.urlsafe_b64decode(query["cursor"][0].encode()).decode().partition(":")
            if owner != job_id:
                return self.send_json(400, error_body(400, "Invalid cursor.", "bad.request")), {}
            offset = int(number)
        size = int(query["pageSize"][0]) if "pageSize" in query else self.fake.scenario.get("page_size", 50)
        page = job["rows"][offset:offset + size]
        answer = {"conversations": page, "dataAvailabilityDate": self.fake.scenario.get(
            "availability", "2024-11-05T00:00:00.000Z")}
        if offset + size < len(job["rows"]):
            answer["cursor"] = base64.urlsafe_b64encode(("%s:%d" % (job_id, offset + size)).encode()).decode()
        time.sleep(self.fake.scenario.get("results_delay", 0))
        entry = {"served": [c["conversationId"] for c in page], "offset": offset}
        if truncate:
            body = json.dumps(answer).encode()
            body = body[:len(body) // 2]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            entry["truncated"] = True
            return 200, entry
        return self.send_json(200, answer), entry

    # -- dispatch --------------------------------------------------------------------------
    def route(self, method):
        arrived = time.time()
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, urllib.parse.parse_qs(url.query)
        body = self.read_body() if method == "POST" else b""
        kind = ("token" if path == "/oauth/token" else "availability" if path == JOBS + "/availability"
                else "create" if path == JOBS and method == "POST"
                else "results" if path.startswith(JOBS + "/") and path.endswith("/results")
                else "status" if path.startswith(JOBS + "/") else "other")
        with self.fake.lock:
            n = self.fake.count(kind)
            fault = self.fake.fault(kind, n)
            entry = {"method": method, "path": path, "query": {k: v[0] for k, v in query.items()}, "kind": kind,
                     "n": n, "t_in": arrived}
            status = self.apply_fault(fault) if fault else None
            if fault:
                entry["fault"] = fault["kind"]
                if "retry_after" in fault:
                    entry["retry_after"] = fault["retry_after"]
            if status is None:
                status, extra = self.answer(method, kind, path, query, body,
                                            fault is not None and fault["kind"] == "truncate")
                entry.update(extra)
            entry["status"] = status
            self.fake.record(entry)

    def answer(self, method, kind, path, query, body, truncate):
        if kind == "token":
            return self.token(body)
        if kind == "other":
            return self.send_json(404, error_body(404, "No such resource.", "not.found")), {}
        if not self.bearer_ok():
            return self.send_json(401, error_body(401, "Invalid login credentials.", "bad.credentials")), {}
        if kind == "availability":
            return self.send_json(200, {"dataAvailabilityDate": self.fake.scenario.get(
                "availability", "2024-11-05T00:00:00.000Z")}), {}
        if kind == "create":
            return self.create_job(body)
        job_id = path[len(JOBS) + 1:].split("/")[0]
        if kind == "status":
            return self.job_status(job_id)
        return self.results(job_id, query, truncate)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--export", required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--lifetime", type=float, default=300)
    args = parser.parse_args()
    with open(args.scenario, encoding="utf-8") as f:
        scenario = json.load(f)
    Handler.fake = Fake(args, scenario)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    stopper = threading.Timer(args.lifetime, server.shutdown)
    stopper.daemon = True
    stopper.start()
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
