-- Single sign-on (issue 22): the provider's identity a person signed in as first (its issuer and subject, the
-- provider's stable id), so that a later sign-in with the same name but another identity is refused.
ALTER TABLE person ADD COLUMN sso_identity VARCHAR(600);
