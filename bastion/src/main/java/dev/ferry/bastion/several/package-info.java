/**
 * Several Hosts on one registry: what they agree on through its database (leases, snowflake instance claims,
 * {@link dev.ferry.bastion.several.Coordination}), this Host among them
 * ({@link dev.ferry.bastion.several.Membership}), and the key material every one of them holds the same, stored
 * sealed ({@link dev.ferry.bastion.several.SharedKeyMaterial}, {@link dev.ferry.bastion.several.SecretSeal}). On the
 * embedded H2 file there is one Host, and each of these is simply its own.
 *
 * <p>Named "several" after the words the docs and tests use for the feature ("several Hosts on PostgreSQL",
 * {@code SeveralHostsTest}) rather than "cluster": the Hosts elect nobody and keep no list of each other; they
 * only meet in the registry's rows. It reaches the registry's database through its public
 * {@link dev.ferry.bastion.registry.Statements} only, and the Host's data directory through
 * {@link dev.ferry.bastion.several.SharedFiles}; the registry knows nothing of it, and the Host wires it.
 */
package dev.ferry.bastion.several;
