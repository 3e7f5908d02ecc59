-- An iCalendar object sent with the e-mail (an interview's invitation, change or cancellation,
-- R9): the mail goes out with it as a text/calendar alternative and an .ics attachment.
ALTER TABLE outbox ADD COLUMN calendar TEXT;
