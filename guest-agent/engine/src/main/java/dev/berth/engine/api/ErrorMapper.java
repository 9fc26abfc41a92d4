package dev.berth.engine.api;

import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.ForbiddenException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.errors.NotImplementedException;
import dev.berth.engine.errors.NotModifiedException;
import dev.berth.engine.errors.UnauthorizedException;
import dev.berth.engine.errors.UnavailableException;

/** The one place where error categories become HTTP statuses (the same table as moby's errdefs). */
public final class ErrorMapper {
    private ErrorMapper() {}

    public static int status(Throwable e) {
        return switch (e) {
            case NotFoundException x -> 404;
            case ConflictException x -> 409;
            case InvalidArgumentException x -> 400;
            case NotModifiedException x -> 304;
            case UnavailableException x -> 503;
            case ForbiddenException x -> 403;
            case UnauthorizedException x -> 401;
            case NotImplementedException x -> 501;
            default -> 500;
        };
    }

    /** The message clients show; never empty, so the docker CLI has something to print. */
    public static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
