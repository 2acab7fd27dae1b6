//! Suricata EVE JSON: one event a line, every event type.
//!
//! Read from each event: `src_ip`, `dest_ip`, `dest_port` and `flow_id` (the connection);
//! `dns.rrname`, `dns.rdata` (version 1), `dns.queries[].rrname`, `dns.answers[].rrname` and
//! `.rdata`, and the `dns.grouped` answers of types A, AAAA, CNAME, PTR, MX, NS and SRV;
//! `tls.sni`, `quic.sni`; `http.hostname` and the request `http.hostname` + `http.url`;
//! `fileinfo.md5`, `.sha1`, `.sha256`. Other keys are skipped unread.

use crate::json::{Cursor, JsonResult, Next, Str};
use crate::record::{Record, Value};

/// Reads one event into `rec`.
pub fn read<'a>(line: &'a [u8], rec: &mut Record<'a>) -> Result<(), String> {
    let mut c = Cursor::new(line);
    event(&mut c, rec).map_err(|e| e.to_string())?;
    c.end().map_err(|e| e.to_string())
}

fn event<'a>(c: &mut Cursor<'a>, rec: &mut Record<'a>) -> JsonResult<()> {
    c.object(|c, key| {
        if !key.is_plain() {
            return c.skip();
        }
        match key.raw() {
            b"src_ip" => {
                if let Some(v) = text(c)? {
                    rec.source("src_ip", v);
                }
            }
            b"dest_ip" => {
                if let Some(v) = text(c)? {
                    rec.destination("dest_ip", v);
                }
            }
            b"dest_port" => rec.dst_port = c.integer_or_skip()?.and_then(|p| u16::try_from(p).ok()),
            b"flow_id" => rec.flow = c.integer_or_skip()?,
            b"dns" => dns(c, rec)?,
            b"tls" => sni(c, rec, "tls.sni")?,
            b"quic" => sni(c, rec, "quic.sni")?,
            b"http" => http(c, rec)?,
            b"fileinfo" => fileinfo(c, rec)?,
            _ => c.skip()?,
        }
        Ok(())
    })
}

/// A string value decoded, or `None` (not a string, or an escape JSON does not allow).
fn text<'a>(c: &mut Cursor<'a>) -> JsonResult<Option<std::borrow::Cow<'a, [u8]>>> {
    Ok(c.string_or_skip()?.and_then(|s: Str<'a>| s.value()))
}

fn is_object(c: &mut Cursor<'_>) -> JsonResult<bool> {
    if c.peek()? == Next::Object {
        return Ok(true);
    }
    c.skip()?;
    Ok(false)
}

fn is_array(c: &mut Cursor<'_>) -> JsonResult<bool> {
    if c.peek()? == Next::Array {
        return Ok(true);
    }
    c.skip()?;
    Ok(false)
}

fn dns<'a>(c: &mut Cursor<'a>, rec: &mut Record<'a>) -> JsonResult<()> {
    if !is_object(c)? {
        return Ok(());
    }
    c.object(|c, key| {
        if !key.is_plain() {
            return c.skip();
        }
        match key.raw() {
            b"rrname" => {
                if let Some(v) = text(c)? {
                    rec.push("dns.rrname", Value::Domain(v));
                }
            }
            b"rdata" => {
                if let Some(v) = text(c)? {
                    rec.push("dns.rdata", Value::Name(v));
                }
            }
            b"queries" => records(c, rec, "dns.queries.rrname", None)?,
            b"answers" => records(c, rec, "dns.answers.rrname", Some("dns.answers.rdata"))?,
            b"grouped" => grouped(c, rec)?,
            _ => c.skip()?,
        }
        Ok(())
    })
}

/// An array of resource records: each `rrname` (and `rdata` when asked).
fn records<'a>(
    c: &mut Cursor<'a>,
    rec: &mut Record<'a>,
    name_field: &'static str,
    data_field: Option<&'static str>,
) -> JsonResult<()> {
    if !is_array(c)? {
        return Ok(());
    }
    c.array(|c| {
        if !is_object(c)? {
            return Ok(());
        }
        c.object(|c, key| {
            if key.is(b"rrname") {
                if let Some(v) = text(c)? {
                    rec.push(name_field, Value::Domain(v));
                }
            } else if let (Some(f), true) = (data_field, key.is(b"rdata")) {
                if let Some(v) = text(c)? {
                    rec.push(f, Value::Name(v));
                }
            } else {
                c.skip()?;
            }
            Ok(())
        })
    })
}

/// `dns.grouped`: answers by type, each a list of strings.
fn grouped<'a>(c: &mut Cursor<'a>, rec: &mut Record<'a>) -> JsonResult<()> {
    if !is_object(c)? {
        return Ok(());
    }
    c.object(|c, key| {
        let field = match key.raw() {
            b"A" => "dns.grouped.A",
            b"AAAA" => "dns.grouped.AAAA",
            b"CNAME" => "dns.grouped.CNAME",
            b"PTR" => "dns.grouped.PTR",
            b"MX" => "dns.grouped.MX",
            b"NS" => "dns.grouped.NS",
            b"SRV" => "dns.grouped.SRV",
            _ => return c.skip(),
        };
        if !is_array(c)? {
            return Ok(());
        }
        c.array(|c| {
            if let Some(v) = text(c)? {
                rec.push(field, Value::Name(v));
            }
            Ok(())
        })
    })
}

fn sni<'a>(c: &mut Cursor<'a>, rec: &mut Record<'a>, field: &'static str) -> JsonResult<()> {
    if !is_object(c)? {
        return Ok(());
    }
    c.object(|c, key| {
        if key.is(b"sni") {
            if let Some(v) = text(c)? {
                rec.push(field, Value::Domain(v));
            }
            Ok(())
        } else {
            c.skip()
        }
    })
}

fn http<'a>(c: &mut Cursor<'a>, rec: &mut Record<'a>) -> JsonResult<()> {
    if !is_object(c)? {
        return Ok(());
    }
    let mut host = None;
    let mut url = None;
    c.object(|c, key| {
        if key.is(b"hostname") {
            host = text(c)?;
        } else if key.is(b"url") {
            url = text(c)?;
        } else {
            c.skip()?;
        }
        Ok(())
    })?;
    if let Some(h) = &host {
        rec.push("http.hostname", Value::Domain(h.clone()));
    }
    match (host, url) {
        (Some(h), Some(u)) => rec.push("http.url", Value::Url(h, u)),
        // A proxy logs the whole URL as the request target.
        (None, Some(u)) if u.windows(3).any(|w| w == b"://") => {
            rec.push("http.url", Value::Url(std::borrow::Cow::Borrowed(b""), u));
        }
        _ => {}
    }
    Ok(())
}

fn fileinfo<'a>(c: &mut Cursor<'a>, rec: &mut Record<'a>) -> JsonResult<()> {
    if !is_object(c)? {
        return Ok(());
    }
    c.object(|c, key| {
        let field = match key.raw() {
            b"md5" => "fileinfo.md5",
            b"sha1" => "fileinfo.sha1",
            b"sha256" => "fileinfo.sha256",
            _ => return c.skip(),
        };
        if let Some(v) = text(c)? {
            rec.push(field, Value::Hash(v));
        }
        Ok(())
    })
}
