import { isIP } from 'node:net';
import { usageError } from '../errors/cliErrorCodes.js';

/** What the generated Varnish configuration is made for. */
export interface VarnishVclOptions {
  /** The application (Varnish's backend) host. Default 127.0.0.1. */
  readonly host?: string;
  /** The application's port. Default 3000. */
  readonly port?: number;
  /** Addresses or networks (`10.0.0.0/8`) allowed to purge. Default 127.0.0.1 and ::1. */
  readonly purgers?: readonly string[];
  /** Tag invalidation with the xkey vmod (varnish-modules). Default true. */
  readonly xkey?: boolean;
}

const HOST =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function aclEntry(entry: string): string {
  const [address = '', bits, ...rest] = entry.split('/');
  return bits === undefined && rest.length === 0 ? `"${address}"` : `"${address}"/${bits}`;
}

function checkPurger(entry: string): void {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  const max = family === 6 ? 128 : 32;
  const ok =
    rest.length === 0 &&
    (family !== 0 || (bits === undefined && HOST.test(address))) &&
    (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max));
  if (!ok)
    throw usageError(
      `--purger ${JSON.stringify(entry)} is not an address, a network such as 10.0.0.0/8, or a host name`,
    );
}

const XKEY_CONDITION =
  'if (req.method == "PURGE" || req.method == "BAN" || req.http.xkey-purge || req.http.xkey-softpurge) {';
const PLAIN_CONDITION = 'if (req.method == "PURGE" || req.method == "BAN") {';
const XKEY_RECV = `        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
        }
        if (req.http.xkey-softpurge) {
            set req.http.n-gone = xkey.softpurge(req.http.xkey-softpurge);
            return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
        }
`;
const XKEY_STRIP = `    # Cache tags and surrogate directives are for this proxy only: browsers never see them.
    unset resp.http.xkey;
`;
const PLAIN_STRIP = `    # Surrogate directives are for this proxy only: browsers never see them.
`;

/**
 * The Varnish 7 configuration shipped as docs/varnish/cacheset.vcl, for the given backend, purge ACL
 * and tag support. Bad values are usage errors naming the option.
 */
export function varnishVcl(options: VarnishVclOptions = {}): string {
  const o = {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 3000,
    purgers: options.purgers ?? ['127.0.0.1', '::1'],
    xkey: options.xkey ?? true,
  };
  if (isIP(o.host) === 0 && !HOST.test(o.host))
    throw usageError(`--backend host ${JSON.stringify(o.host)} is not an address or a host name`);
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535)
    throw usageError(`--backend port ${String(o.port)} must be a whole number from 1 to 65535`);
  if (o.purgers.length === 0) throw usageError('--purger needs at least one address');
  o.purgers.forEach(checkPurger);
  return `# Varnish 7 configuration for applications using cacheset (@cacheset/http and @cacheset/purge).
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
${o.xkey ? '' : '# Generated without xkey: tag invalidation is off; PURGE and BAN remain.\n'}vcl 4.1;

import std;
import purge;
${o.xkey ? 'import xkey;\n' : ''}
backend default {
    .host = "${o.host}";
    .port = "${o.port}";
}

# Who may invalidate. Add your application servers' addresses here.
acl purgers {
${o.purgers.map((p) => `    ${aclEntry(p)};\n`).join('')}}

sub vcl_recv {
    ${o.xkey ? XKEY_CONDITION : PLAIN_CONDITION}
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
${o.xkey ? XKEY_RECV : ''}        if (req.method == "BAN") {
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
        set beresp.ttl = std.duration(regsub(beresp.http.Surrogate-Control, "(?i)^.*max-age=([0-9]+).*$", "\\1") + "s", beresp.ttl);
    }
}

sub vcl_deliver {
    unset resp.http.x-cacheset-url;
    unset resp.http.x-cacheset-host;
${o.xkey ? XKEY_STRIP : PLAIN_STRIP}    unset resp.http.Surrogate-Control;
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
`;
}
