import type { Knex } from 'knex';

/**
 * Voicemail: boxes (who a message is for) and the messages callers left. The audio stays in
 * Asterisk's stored recordings (recording_name); these rows are the metadata the API lists.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE voicemail_boxes (
      box_id              text        PRIMARY KEY CHECK (box_id ~ '^[a-z][a-z0-9_-]{0,63}$'),
      name                text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      language            text        NOT NULL DEFAULT 'en' CHECK (language ~ '^[a-z]{2}(_[A-Z]{2})\\?$'),
      greeting            text        CHECK (greeting ~ '^(sound|recording):[^,]+$'),
      owner_type          text        NOT NULL CHECK (owner_type IN ('queue', 'agent', 'team')),
      owner_id            text        NOT NULL CHECK (length(owner_id) BETWEEN 1 AND 200),
      max_message_seconds integer     NOT NULL DEFAULT 120 CHECK (max_message_seconds BETWEEN 5 AND 3600),
      created_at          timestamptz NOT NULL DEFAULT now(),
      updated_at          timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX voicemail_boxes_owner_idx ON voicemail_boxes (owner_type, owner_id);

    COMMENT ON TABLE voicemail_boxes IS
      'Voicemail boxes: where an IVR voicemail node (or a queue overflow) records a caller''s message. One row per box.';
    COMMENT ON COLUMN voicemail_boxes.box_id IS 'Box id named by flows (voicemail node "box").';
    COMMENT ON COLUMN voicemail_boxes.name IS 'Name shown in the API and reports.';
    COMMENT ON COLUMN voicemail_boxes.language IS 'Language of the box greeting when the call has none.';
    COMMENT ON COLUMN voicemail_boxes.greeting IS 'Greeting played before the beep (sound: or recording: URI); NULL plays the standard "leave your message after the tone".';
    COMMENT ON COLUMN voicemail_boxes.owner_type IS 'Who the messages are for: a queue, an agent or a team.';
    COMMENT ON COLUMN voicemail_boxes.owner_id IS 'The owning queue name, agent id (API key name) or team name.';
    COMMENT ON COLUMN voicemail_boxes.max_message_seconds IS 'Longest message recorded, in seconds (a node may set a shorter one).';
    COMMENT ON COLUMN voicemail_boxes.created_at IS 'When the box was created.';
    COMMENT ON COLUMN voicemail_boxes.updated_at IS 'When the box last changed.';

    CREATE TABLE voicemails (
      id               uuid         PRIMARY KEY,
      box_id           text         NOT NULL REFERENCES voicemail_boxes (box_id) ON UPDATE CASCADE,
      call_id          uuid         NOT NULL,
      caller_number    text,
      recording_name   text         NOT NULL UNIQUE,
      duration_seconds numeric(8,1) NOT NULL CHECK (duration_seconds >= 0),
      language         text,
      created_at       timestamptz  NOT NULL DEFAULT now(),
      heard_at         timestamptz,
      heard_by         text,
      UNIQUE (call_id, box_id),
      CHECK ((heard_at IS NULL) = (heard_by IS NULL))
    );
    CREATE INDEX voicemails_box_idx ON voicemails (box_id, created_at DESC);
    CREATE INDEX voicemails_unheard_idx ON voicemails (box_id) WHERE heard_at IS NULL;

    COMMENT ON TABLE voicemails IS
      'Voicemail messages callers left: one row per message (at most one per call and box). The audio is Asterisk''s stored recording recording_name.';
    COMMENT ON COLUMN voicemails.id IS 'Message id (API: /api/v1/voicemail/messages/{id}).';
    COMMENT ON COLUMN voicemails.box_id IS 'The box the message was left in.';
    COMMENT ON COLUMN voicemails.call_id IS 'The call that left it (calls.call_id).';
    COMMENT ON COLUMN voicemails.caller_number IS 'Caller id of that call (E.164 when the trunk gives it), to call back.';
    COMMENT ON COLUMN voicemails.recording_name IS 'Asterisk stored recording holding the audio (voicemail/<box>/<call id>).';
    COMMENT ON COLUMN voicemails.duration_seconds IS 'Length of the message in seconds.';
    COMMENT ON COLUMN voicemails.language IS 'Prompt language of the call when the message was left.';
    COMMENT ON COLUMN voicemails.created_at IS 'When the message was saved.';
    COMMENT ON COLUMN voicemails.heard_at IS 'When someone marked it heard; NULL while new.';
    COMMENT ON COLUMN voicemails.heard_by IS 'Who marked it heard (API key name).';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS voicemails; DROP TABLE IF EXISTS voicemail_boxes');
}
