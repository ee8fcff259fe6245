package dev.ferry.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** Proves two keys belong together by signing with one and verifying with the other, for any key type. */
final class Signatures {

    // Bouncy Castle explicitly, so JDK and Bouncy Castle key objects are both accepted.
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final byte[] DATA = "ferry".getBytes(StandardCharsets.US_ASCII);

    private Signatures() {
    }

    static boolean verifies(PrivateKey signer, PublicKey verifier) throws GeneralSecurityException {
        String algorithm = switch (signer.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> "Ed25519";
        };
        Signature sign = Signature.getInstance(algorithm, BC);
        sign.initSign(signer);
        sign.update(DATA);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance(algorithm, BC);
        verify.initVerify(verifier);
        verify.update(DATA);
        return verify.verify(signature);
    }
}
