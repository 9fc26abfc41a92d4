/**
 * The OCI distribution (registry) client the engine pulls, pushes and logs in with.
 * <p>
 * {@link dev.berth.engine.image.registry.RegistryClient} is the engine-wide entry point; it hands out a
 * {@link dev.berth.engine.image.registry.RepositorySession} per repository. Underneath:
 * <ul>
 *   <li>{@code Transport}: the scheme per registry (HTTPS; HTTP only for loopback and listed insecure
 *       registries, after HTTPS failed), the Authorization per request, one retry after a 401;</li>
 *   <li>{@code Authenticator} and {@code TokenClient}: challenges ({@link
 *       dev.berth.engine.image.registry.AuthChallenge}), Basic, bearer tokens and their cache;</li>
 *   <li>{@code HttpSender}: the JDK client with redirects followed by hand, so credentials never leave the
 *       origin they belong to, and response bodies that time out when a server stalls;</li>
 *   <li>{@code ManifestChecks} and {@code RegistryErrors}: what is accepted from a registry, and how its
 *       refusals read.</li>
 * </ul>
 * Default credentials come from the docker CLI's config ({@link
 * dev.berth.engine.image.registry.DockerConfigCredentials}); explicit ones from X-Registry-Auth ({@link
 * dev.berth.engine.image.registry.Credentials#fromRegistryAuthHeader}).
 */
package dev.berth.engine.image.registry;
