# Varnish 7 configuration for applications using cacheset (@cacheset/http and @cacheset/purge).
# The integration tests run this very file (with the backend port filled in).
#
# - Caches what the application's headers allow (Varnish's built-in rules: no cookies or
#   Authorization on requests, no Set-Cookie, private, no-store or Vary: * on responses).
# - Accepts invalidations from the purgers ACL only: PURGE of a URL, BAN by URL regular expression,
#   and tag invalidation with the xkey vmod (varnish-modules) through the xkey-purge and
#   xkey-softpurge request headers, which carry space-separated tags. A PURGE carrying
#   X-Cacheset-Soft-Purge soft-purges the URL instead (vmod purge): the object expires at once but
#   stays available for grace and keep.
# - Strips the tag header (xkey) and its own bookkeeping headers before responses reach browsers.
#
# Needs: apt-get install varnish varnish-modules
vcl 4.1;

import std;
import purge;
import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "${BACKEND_PORT}";
}

# Who may invalidate. Add your application servers' addresses here.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE" || req.method == "BAN" || req.http.xkey-purge || req.http.xkey-softpurge) {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
        }
        if (req.http.xkey-softpurge) {
            set req.http.n-gone = xkey.softpurge(req.http.xkey-softpurge);
            return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
        }
        if (req.method == "BAN") {
            if (!req.http.x-ban-url) {
                return (synth(400, "BAN needs an X-Ban-Url header with a regular expression"));
            }
            # Bans on object headers only, so the ban lurker can clear them in the background.
            std.ban("obj.http.x-cacheset-url ~ " + req.http.x-ban-url + " && obj.http.x-cacheset-host == " + req.http.host);
            if (std.ban_error() != "") {
                return (synth(400, std.ban_error()));
            }
            return (synth(200, "Banned"));
        }
        if (req.http.x-cacheset-soft-purge) {
            # Looked up, then soft-purged in vcl_hit / vcl_miss (vmod purge works only there).
            return (hash);
        }
        return (purge);
    }
}

sub vcl_hit {
    if (req.method == "PURGE") {
        set req.http.n-gone = purge.soft();
        return (synth(200, "Soft-purged " + req.http.n-gone + " objects"));
    }
}

sub vcl_miss {
    if (req.method == "PURGE") {
        set req.http.n-gone = purge.soft();
        return (synth(200, "Soft-purged " + req.http.n-gone + " objects"));
    }
}

sub vcl_backend_response {
    # Remembered on the object for BAN expressions (removed again before delivery).
    set beresp.http.x-cacheset-url = bereq.url;
    set beresp.http.x-cacheset-host = bereq.http.host;
    # Varnish's built-in rules skip the Cache-Control private/no-store check when Surrogate-Control is
    # present: never let a surrogate header make a private response cacheable.
    if (beresp.http.Cache-Control ~ "(?i)(private|no-store)") {
        unset beresp.http.Surrogate-Control;
    }
    # Surrogate-Control max-age (cacheset's surrogateMaxage option) is this proxy's own TTL.
    if (beresp.http.Surrogate-Control ~ "(?i)max-age=[0-9]+") {
        set beresp.ttl = std.duration(regsub(beresp.http.Surrogate-Control, "(?i)^.*max-age=([0-9]+).*$", "\1") + "s", beresp.ttl);
    }
}

sub vcl_deliver {
    unset resp.http.x-cacheset-url;
    unset resp.http.x-cacheset-host;
    # Cache tags and surrogate directives are for this proxy only: browsers never see them.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Control;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

sub vcl_synth {
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.body = resp.reason + {"
"};
    return (deliver);
}
