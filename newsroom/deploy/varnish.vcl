vcl 4.1;
# The site's HTTP cache: it faces readers, buffers slow clients and serves shared
# pages, so gunicorn never faces a client. tools/localcache.py fills in the backends.
#
# - Only what the app marks "Cache-Control: public" is kept; the app's s-maxage is the
#   time to live, stale-while-revalidate the grace (see core/httpcache.py).
# - Pages are the same for every reader who is not an editor: cookies are dropped from
#   page requests, except for editors (a session cookie) and the few personal URLs.
# - The app purges by surrogate key: PURGE with an "xkey" header, from loopback only.
# - Request bodies are read whole before the app sees them, with a size limit.
# This file is a template for Python's string.Template: a doubled dollar is one dollar.
# (This file is a template: tools/localcache.py fills $$BACKENDS; "$$$$" stands for "$$".)

import std;
import xkey;
import directors;

probe healthz {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

$BACKENDS

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new app = directors.round_robin();
$ADD_BACKENDS
}

sub vcl_recv {
    set req.backend_hint = app.backend();
    # The client does not choose what the app believes about the connection: this cache
    # is the edge. (A TLS terminator in front of it would set X-Forwarded-Proto itself.)
    unset req.http.X-Forwarded-Proto;
    unset req.http.X-Forwarded-Host;
    set req.http.X-Forwarded-For = client.ip;

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        set req.http.purged = xkey.purge(req.http.xkey);
        return (synth(200, "Purged " + req.http.purged));
    }
    if (req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
        # A reader's vote or forecast is a few hundred bytes; an editor's form up to 2 MB
        # (10 MB with a picture).
        # A declared length over the limit is refused before any of the body is read; a
        # body that turns out longer (chunked) closes the connection.
        if (req.url ~ "/(read|forecast)/$$") {
            if (std.integer(req.http.Content-Length, 0) > 8192 || !std.cache_req_body(8KB)) {
                return (synth(413, "Request too large"));
            }
        } elsif (req.http.Content-Type ~ "^multipart/form-data") {
            # A form with a picture: the app refuses images over 8 MB with a form error.
            if (std.integer(req.http.Content-Length, 0) > 10485760 || !std.cache_req_body(10MB)) {
                return (synth(413, "Request too large"));
            }
        } elsif (std.integer(req.http.Content-Length, 0) > 2097152 || !std.cache_req_body(2MB)) {
            return (synth(413, "Request too large"));
        }
        return (pass);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Editors (a session) get pages rendered for them: previews, never shared.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Pages about the reader who asks: their track record, the leaderboard with their
    # handle, their own panels, and the landing page of a form posted without JavaScript.
    if (req.url ~ "^/predictions/(me|leaderboard)/" || req.url ~ "/mine/$$" || req.url ~ "[?&]saved=") {
        return (pass);
    }
    unset req.http.Cookie;
    # While the app answers, a page at most a minute past its time is served while a fresh
    # one is fetched; if the app is down, stale pages are served for up to ten minutes.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 60s;
    }
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Cache-Control !~ "public") {
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
    set beresp.grace = 10m;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
    unset resp.http.xkey;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}

sub vcl_backend_error {
    # An app node that died since its last probe: a read is sent to the next node once
    # (round robin), so readers see no error while the probe takes the node out. A write
    # is not resent: it may have reached the app before the node died.
    if (bereq.retries == 0 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Retry-After = "30";
    call security_headers_backend;
    synthetic({"<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Back shortly</title></head><body><h1>We will be back in a moment</h1><p>The site is not answering just now. Please try again in half a minute.</p></body></html>"});
    return (deliver);
}

sub vcl_synth {
    unset resp.http.X-Varnish;
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.http.X-Content-Type-Options = "nosniff";
    set resp.http.X-Frame-Options = "DENY";
    set resp.http.Content-Security-Policy = "default-src 'none'; frame-ancestors 'none'";
    set resp.http.Referrer-Policy = "same-origin";
    set resp.body = resp.reason;
    return (deliver);
}

sub security_headers_backend {
    set beresp.http.X-Content-Type-Options = "nosniff";
    set beresp.http.X-Frame-Options = "DENY";
    set beresp.http.Content-Security-Policy = "default-src 'none'; frame-ancestors 'none'";
    set beresp.http.Referrer-Policy = "same-origin";
}
