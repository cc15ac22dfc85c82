vcl 4.1;
# The site's HTTP cache: it faces readers, buffers slow clients and serves shared
# pages, so gunicorn never faces a client. tools/localcache.py fills in the backends.
#
# - The edge decides what the app trusts: every client header the app or gunicorn could
#   read as forwarded information or as a CGI variable is removed, and the ones the app
#   needs (X-Forwarded-For) are set here.
# - The edge decides which query strings make a new page: tracking parameters are
#   dropped, the rest sorted; the app redirects a parameter a page does not take to its
#   clean URL, and a client that keeps causing misses is slowed with a 429.
# - Only what the app marks "Cache-Control: public" is kept; the app's s-maxage is the
#   time to live, stale-while-revalidate the grace (see core/httpcache.py).
# - Pages are the same for every reader who is not an editor: cookies are dropped from
#   page requests, except for editors (the marker cookie) and the few personal URLs.
# - The app purges by surrogate key: PURGE with an "xkey" header, from loopback only; with
#   "xkey-softpurge: 1" the pages are only marked stale (reader activity): the next reader
#   gets the stale copy at once while a fresh one is fetched, so no one waits on a render.
# - Request bodies are read whole before the app sees them, with a size limit.
# This file is a template for Python's string.Template: a doubled dollar is one dollar.
# (tools/localcache.py fills $$BACKENDS; "$$$$" stands for "$$".)

import std;
import xkey;
import directors;
import header;
import vsthrottle;

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
    call edge_headers;
    # The longest request line gunicorn reads is 8,190 bytes (newsroom/gunicorn_conf.py):
    # a longer URL gets the site's 414 page here, and a header line over 8,000 bytes the
    # site's 431 page. (Past the limits in tools/localcache.py, Varnish itself refuses the
    # request: a bare 400, or the connection closed.)
    if (req.url ~ "^.{8000}") {
        return (synth(414, "URI Too Long"));
    }
    header.regsub(req, "^.{8000}.*$$", "X-Oversized-Header: 1");
    if (req.http.X-Oversized-Header) {
        return (synth(431, "Request Header Fields Too Large"));
    }
    call edge_query;

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-softpurge) {
            set req.http.purged = xkey.softpurge(req.http.xkey);
        } else {
            set req.http.purged = xkey.purge(req.http.xkey);
        }
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
    # A shared draft (articles/draft_link_views.py) is for one outside reader: never stored
    # here, whoever asks, and rendered without anyone's cookies.
    if (req.url ~ "^/preview/") {
        unset req.http.Cookie;
        return (pass);
    }
    # Editors (their browsers carry the marker core/editors.py sets) get pages rendered
    # for them: previews, never shared. A reader's session does not pass: signed in or
    # not, a reader gets the page everyone gets.
    if (req.http.Cookie ~ "(^|;\s*)editor=") {
        return (pass);
    }
    # Pages about the reader who asks: their track record, the leaderboard with their
    # handle, their own panels, their account, and the landing page of a form posted
    # without JavaScript.
    if (req.url ~ "^/predictions/(me|leaderboard)/" || req.url ~ "/mine/$$" || req.url ~ "[?&]saved=" ||
        req.url ~ "^/account/") {
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

sub edge_headers {
    # Varnish cannot list a request's header names, so every header line whose name holds
    # an underscore (SCRIPT_NAME, PATH_INFO, X_Forwarded_For…: names a WSGI server could
    # map onto its own variables) is renamed to one name and then removed.
    header.regsub(req, "^[^:]*_[^:]*:", "X-Underscored-Header:");
    unset req.http.X-Underscored-Header;
    # Nothing the client says about the connection is believed: this cache is the edge.
    # (A TLS terminator in front of it would set X-Forwarded-Proto itself.)
    unset req.http.Forwarded;
    unset req.http.X-Forwarded-Proto;
    unset req.http.X-Forwarded-Protocol;
    unset req.http.X-Forwarded-Ssl;
    unset req.http.X-Forwarded-Scheme;
    unset req.http.X-Forwarded-Host;
    unset req.http.X-Forwarded-Server;
    unset req.http.X-Forwarded-Port;
    unset req.http.X-Forwarded-Prefix;
    unset req.http.X-Original-URL;
    unset req.http.X-Rewrite-URL;
    unset req.http.X-Original-Host;
    unset req.http.X-Real-IP;
    unset req.http.X-Client-IP;
    set req.http.X-Forwarded-For = client.ip;
}

sub edge_query {
    if (req.url !~ "\?") {
        return;
    }
    # Static files and pictures take no parameters.
    if (req.url ~ "^/(static|media)/") {
        set req.url = regsub(req.url, "\?.*$$", "");
        return;
    }
    # Tracking parameters say where a reader came from, never what page they want: they
    # leave the cache key and the app's view. The rest are sorted, so that one page is one
    # object; a parameter a page does not take is redirected away by the app.
    set req.url = regsuball(req.url, "(?i)([?&])(utm_[^=&]*|fbclid|gclid|mc_cid|mc_eid|ref)(=[^&]*)?(?=&|$$)", "\1");
    set req.url = regsuball(req.url, "&&+", "&");
    set req.url = regsub(req.url, "\?&", "?");
    set req.url = regsub(req.url, "[?&]$$", "");
    set req.url = std.querysort(req.url);
}

sub throttle_misses {
    # A client that keeps making the app render (new URLs, a fast crawl) is slowed here,
    # before it slows anyone else: more than 50 fetches from the app in any 10 s pauses
    # that address's fetches for 30 s. A reader's page views are cache hits, and a polite
    # crawler (a few requests a second) stays under the limit. Everyone is counted: a
    # cookie (a session, the editors' marker) is the client's to forge, and an editor
    # at work stays far below the limit.
    if (vsthrottle.is_denied("fetch:" + client.identity, 50, 10s, 30s)) {
        set req.http.Retry-After = std.integer(
            duration=vsthrottle.blocked("fetch:" + client.identity, 50, 10s, 30s), fallback=30) + 1;
        return (synth(429, "Too Many Requests"));
    }
}

sub vcl_miss {
    call throttle_misses;
}

sub vcl_pass {
    if (req.method == "GET" || req.method == "HEAD") {
        call throttle_misses;
    }
}

sub vcl_backend_response {
    if (beresp.http.Cache-Control !~ "public") {
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
    # A page that must be gone at its time (a story taken down then) says
    # stale-while-revalidate=0: never served past its s-maxage, even with the app down.
    if (beresp.http.Cache-Control ~ "stale-while-revalidate=0(,|$$)") {
        set beresp.grace = 0s;
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
    unset resp.http.Server;
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
    synthetic({"<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><title>Back shortly</title></head><body><h1>We will be back in a moment</h1><p>The site is not answering just now. Please try again in half a minute.</p></body></html>"});
    return (deliver);
}

sub vcl_synth {
    unset resp.http.X-Varnish;
    set resp.http.X-Content-Type-Options = "nosniff";
    set resp.http.X-Frame-Options = "DENY";
    set resp.http.Content-Security-Policy = "default-src 'none'; frame-ancestors 'none'";
    set resp.http.Referrer-Policy = "same-origin";
    set resp.http.Cache-Control = "no-store";
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = resp.reason;
        return (deliver);
    }
    if (resp.status == 429 && req.http.Retry-After) {
        set resp.http.Retry-After = req.http.Retry-After;
    }
    set resp.http.Content-Type = "text/html; charset=utf-8";
    unset resp.http.Server;
    if (resp.status == 429) {
        set req.http.title = "Slow down a little";
        set req.http.message = "You have asked for many pages in a short time, so we have paused your requests. Please try again in half a minute.";
    } elsif (resp.status == 413) {
        set req.http.title = "That request is too large";
        set req.http.message = "What you sent is larger than this site accepts. Nothing was saved.";
    } elsif (resp.status == 431) {
        set req.http.title = "That request is too large";
        set req.http.message = "Your browser sent a request header larger than this site accepts. Clearing this site's cookies usually mends it.";
    } elsif (resp.status == 414) {
        set req.http.title = "That address is too long";
        set req.http.message = "The address you asked for is longer than any page of this site. Check the link, or start again from the front page.";
    } elsif (resp.status == 403) {
        set req.http.title = "Not allowed";
        set req.http.message = "That request is not allowed.";
    } else {
        set req.http.title = "Bad request";
        set req.http.message = "This site could not understand that request.";
    }
    synthetic({"<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><meta name="viewport" content="width=device-width, initial-scale=1"><title>"} + req.http.title + {" — Newsroom</title></head>
<body><main><h1>"} + req.http.title + {"</h1><p>"} + req.http.message + {"</p><p><a href="/">Go to the front page</a></p></main></body></html>
"});
    return (deliver);
}

sub security_headers_backend {
    set beresp.http.X-Content-Type-Options = "nosniff";
    set beresp.http.X-Frame-Options = "DENY";
    set beresp.http.Content-Security-Policy = "default-src 'none'; frame-ancestors 'none'";
    set beresp.http.Referrer-Policy = "same-origin";
}
