package dev.berth.api.http;

/** A parsed request line and header block. {@code target} is the origin-form path with its query. */
public record RequestHead(String method, String target, String version, HttpHeaders headers) {

    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    public String rawQuery() {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }

    public Query query() {
        return Query.parse(rawQuery());
    }

    /** HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 closes unless asked to keep it. */
    public boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return version.equals("HTTP/1.1") || headers.hasToken("Connection", "keep-alive");
    }
}
