package dev.berth.engine.archive;

/** What applying a tar stream did: members written, content bytes, device nodes skipped by policy. */
public record ApplyResult(long entries, long bytes, long skippedDevices) {}
