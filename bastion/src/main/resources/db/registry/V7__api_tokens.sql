-- People's API tokens: random secrets shown once, kept as their SHA-256 only; each ends, and goes with its person.
CREATE TABLE api_token (
    id           VARCHAR(24) PRIMARY KEY,
    person       VARCHAR(32) NOT NULL REFERENCES person(name) ON DELETE CASCADE,
    name         VARCHAR(64) NOT NULL,
    token_hash   VARCHAR(64) NOT NULL UNIQUE,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX api_token_by_person ON api_token(person);
