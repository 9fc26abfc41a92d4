package dev.berth.api.http;

/** A parsed status line and header block, as a client sees a response. */
public record ResponseHead(String version, int status, String reason, HttpHeaders headers) {}
