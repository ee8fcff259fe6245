package dev.ferry.protocol;

/**
 * The Host's answer to an enrollment.
 *
 * @param name the name the runner's credential is bound to from now on
 */
public record EnrollAnswer(String name) {
}
