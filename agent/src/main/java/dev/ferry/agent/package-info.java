/**
 * The Runner agent ({@code ferry runner}): {@link dev.ferry.agent.RunnerAgent} registers with the Host, heartbeats
 * the state of its VPS containers and reconciles them against the Host's answers (runner protocol v1).
 * Sub-packages by concern: {@code host} (the protocol and its HTTP client), {@code docker} (container
 * operations over docker-java), {@code onstart} (the in-container start-up step that starts sshd, and the
 * SSH banner check), {@code reconcile} (observing and converging). It depends on ferry-keys only, never on
 * the bastion.
 */
package dev.ferry.agent;
