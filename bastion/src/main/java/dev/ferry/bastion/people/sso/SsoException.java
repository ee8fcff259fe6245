package dev.ferry.bastion.people.sso;

/** The provider could not be asked, or answered what a sign-in cannot go on with: a sentence for the person. */
final class SsoException extends Exception {
    SsoException(String message) {
        super(message);
    }
}
