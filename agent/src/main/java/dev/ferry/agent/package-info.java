/**
 * The Runner agent ({@code ferry runner}): VPS containers on a Docker engine, the in-container start-up
 * step and the Host client. It arrives with the runners issue; this module holds the place in the
 * build so that its dependency rule (keys only, never bastion) is fixed from the start.
 */
package dev.ferry.agent;
