--
-- PostgreSQL database dump
--

\restrict lNKFcPZbTn944APgbaEI8nxMmXNIFWlhFVvTaYHxTTc2BDKV9EjiTqfIbKKoWoH

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: gcstitch; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA gcstitch;


--
-- Name: gcstitch; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS gcstitch WITH SCHEMA gcstitch;


--
-- Name: EXTENSION gcstitch; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION gcstitch IS 'Stitch Genesys Cloud call fragments (WebRTC reconnects) into interactions and report corrected metrics';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: calls_mv; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.calls_mv AS
 SELECT interaction.client_id,
    count(*) AS interactions,
    sum(interaction.handle) AS handle
   FROM gcstitch.interaction
  GROUP BY interaction.client_id
  WITH NO DATA;


--
-- Name: stitch_store; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.stitch_store (
    client_id text NOT NULL,
    st gcstitch.stitch,
    raw bytea,
    measures jsonb
);


--
-- Data for Name: conversation; Type: TABLE DATA; Schema: gcstitch; Owner: -
--

COPY gcstitch.conversation (conversation_id, conversation_start, conversation_end, originating_direction, division_ids, last_event_at, imported_at) FROM stdin;
e1	2024-11-04 10:00:00+00	2024-11-04 10:02:10+00	inbound	\N	2024-11-04 10:02:10+00	2026-12-02 08:40:27.640598+00
e2	2024-11-04 10:02:00+00	2024-11-04 10:05:30+00	inbound	\N	2024-11-04 10:05:30+00	2026-12-02 08:40:27.640598+00
f1	2024-11-04 11:00:00+00	2024-11-04 11:01:00+00	inbound	\N	2024-11-04 11:01:00+00	2026-12-02 08:40:27.640598+00
f2	2024-11-04 11:01:10+00	2024-11-04 11:02:20+00	inbound	\N	2024-11-04 11:02:20+00	2026-12-02 08:40:27.640598+00
f3	2024-11-04 11:02:30+00	2024-11-04 11:04:10+00	inbound	\N	2024-11-04 11:04:10+00	2026-12-02 08:40:27.640598+00
\.


--
-- Data for Name: import_reject; Type: TABLE DATA; Schema: gcstitch; Owner: -
--

COPY gcstitch.import_reject (imported_at, conversation_id, json_path, sqlstate, reason, conversation) FROM stdin;
\.


--
-- Data for Name: metric; Type: TABLE DATA; Schema: gcstitch; Owner: -
--

COPY gcstitch.metric (conversation_id, participant_id, session_id, purpose, user_id, name, value, emit_date) FROM stdin;
\.


--
-- Data for Name: queue; Type: TABLE DATA; Schema: gcstitch; Owner: -
--

COPY gcstitch.queue (queue_id, name, sl_target_percent, sl_threshold) FROM stdin;
\.


--
-- Data for Name: segment; Type: TABLE DATA; Schema: gcstitch; Owner: -
--

COPY gcstitch.segment (conversation_id, conversation_start, conversation_end, participant_id, purpose, user_id, client_id, session_id, media_type, direction, ani, dnis, peer_id, segment_no, segment_type, segment_start, segment_end, queue_id, disconnect_type, wrap_up_code) FROM stdin;
e1	2024-11-04 10:00:00+00	2024-11-04 10:02:10+00	e1-e	agent	ue	ce	e1-s1	voice	inbound	\N	\N	\N	1	interact	2024-11-04 10:00:00+00	2024-11-04 10:02:00+00	\N	peer	\N
e1	2024-11-04 10:00:00+00	2024-11-04 10:02:10+00	e1-e	agent	ue	ce	e1-s1	voice	inbound	\N	\N	\N	2	wrapup	2024-11-04 10:02:00+00	2024-11-04 10:02:10+00	\N	\N	x
e2	2024-11-04 10:02:00+00	2024-11-04 10:05:30+00	e2-acd	acd	\N	\N	e2-s1	voice	inbound	\N	\N	\N	1	interact	2024-11-04 10:02:00+00	2024-11-04 10:02:20+00	q5	transfer	\N
e2	2024-11-04 10:02:00+00	2024-11-04 10:05:30+00	e2-e	agent	ue	ce	e2-s2	voice	inbound	\N	\N	\N	1	alert	2024-11-04 10:02:20+00	2024-11-04 10:02:25+00	q5	\N	\N
e2	2024-11-04 10:02:00+00	2024-11-04 10:05:30+00	e2-e	agent	ue	ce	e2-s2	voice	inbound	\N	\N	\N	2	interact	2024-11-04 10:02:25+00	2024-11-04 10:05:00+00	q5	peer	\N
e2	2024-11-04 10:02:00+00	2024-11-04 10:05:30+00	e2-e	agent	ue	ce	e2-s2	voice	inbound	\N	\N	\N	3	wrapup	2024-11-04 10:05:00+00	2024-11-04 10:05:30+00	q5	\N	x
f1	2024-11-04 11:00:00+00	2024-11-04 11:01:00+00	f1-f	agent	uf	cf	f1-s1	voice	inbound	\N	\N	\N	1	alert	2024-11-04 11:00:00+00	2024-11-04 11:00:05+00	\N	\N	\N
f1	2024-11-04 11:00:00+00	2024-11-04 11:01:00+00	f1-f	agent	uf	cf	f1-s1	voice	inbound	\N	\N	\N	2	interact	2024-11-04 11:00:05+00	2024-11-04 11:01:00+00	\N	error	\N
f2	2024-11-04 11:01:10+00	2024-11-04 11:02:20+00	f2-f	agent	uf	cf	f2-s1	voice	inbound	\N	\N	\N	1	interact	2024-11-04 11:01:10+00	2024-11-04 11:02:00+00	\N	peer	\N
f2	2024-11-04 11:01:10+00	2024-11-04 11:02:20+00	f2-f	agent	uf	cf	f2-s1	voice	inbound	\N	\N	\N	2	wrapup	2024-11-04 11:02:00+00	2024-11-04 11:02:20+00	\N	\N	x
f3	2024-11-04 11:02:30+00	2024-11-04 11:04:10+00	f3-f	agent	uf	cf	f3-s1	voice	inbound	\N	\N	\N	1	alert	2024-11-04 11:02:30+00	2024-11-04 11:02:35+00	\N	\N	\N
f3	2024-11-04 11:02:30+00	2024-11-04 11:04:10+00	f3-f	agent	uf	cf	f3-s1	voice	inbound	\N	\N	\N	2	interact	2024-11-04 11:02:35+00	2024-11-04 11:04:00+00	\N	peer	\N
f3	2024-11-04 11:02:30+00	2024-11-04 11:04:10+00	f3-f	agent	uf	cf	f3-s1	voice	inbound	\N	\N	\N	3	wrapup	2024-11-04 11:04:00+00	2024-11-04 11:04:10+00	\N	\N	x
\.


--
-- Data for Name: settings; Type: TABLE DATA; Schema: gcstitch; Owner: -
--

COPY gcstitch.settings (id, client_id_attributes, gap_tolerance, report_timezone, interval_length, short_abandon_threshold, sl_include_short_abandons, sl_include_abandons, sl_include_flow_outs) FROM stdin;
t	{X-Genesys-Client-Id}	00:00:30	Europe/Paris	00:30:00	00:00:10	t	t	f
\.


--
-- Data for Name: stitch_store; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.stitch_store (client_id, st, raw, measures) FROM stdin;
ce	v1 tolerance=30s [alert:2024-11-04T10:02:20Z/2024-11-04T10:02:25Z interact:2024-11-04T10:00:00Z/2024-11-04T10:02:00Z,2024-11-04T10:02:25Z/2024-11-04T10:05:00Z wrapup:2024-11-04T10:02:00Z/2024-11-04T10:02:10Z,2024-11-04T10:05:00Z/2024-11-04T10:05:30Z sessions:05dba00f617cd0a8,14cdb47c3b9004ff]	\\x0100000080c3c901000000000100000005000000020000000000000001000000020000000000000002000000000000000000000000000000020000000063252612c9020040ae712612c902000028cd1d12c902000036f42412c9020040ae712612c9020000cbae2f12c902000036f42412c9020080cc8c2512c9020000cbae2f12c90200808e783112c90200a8d07c610fa0db05ff04903b7cb4cd14	[{"acw": "00:00:40", "gap": "00:00:10", "hold": "00:00:00", "talk": "00:04:35", "alert": "00:00:05", "other": "00:00:00", "handle": "00:05:15", "dialing": "00:00:00", "ended_at": "2024-11-04T10:05:30+00:00", "fragments": 2, "contacting": "00:00:00", "started_at": "2024-11-04T10:00:00+00:00", "answered_at": "2024-11-04T10:00:00+00:00", "interaction_no": 1, "speed_of_answer": "-00:02:20"}]
cf	v1 tolerance=30s [alert:2024-11-04T11:00:00Z/2024-11-04T11:00:05Z,2024-11-04T11:02:30Z/2024-11-04T11:02:35Z interact:2024-11-04T11:00:05Z/2024-11-04T11:01:00Z,2024-11-04T11:01:10Z/2024-11-04T11:02:00Z,2024-11-04T11:02:35Z/2024-11-04T11:04:00Z wrapup:2024-11-04T11:02:00Z/2024-11-04T11:02:20Z,2024-11-04T11:04:00Z/2024-11-04T11:04:10Z sessions:0afe76ff18367b16,184282f9a0598c14,1e9e4852722b987d]	\\x0100000080c3c9010000000001000000070000000300000000000000020000000300000000000000020000000000000000000000000000000300000000cc60f412c902004017adf412c90200809d51fd12c90200c0e89dfd12c902004017adf412c902000053f4f712c9020080e98cf812c9020000da87fb12c90200c0e89dfd12c9020000e8ae0213c9020000da87fb12c902000007b9fc12c9020000e8ae0213c90200807e470313c90200167b3618ff76fe0a148c59a0f98242187d982b7252489e1e	[{"acw": "00:00:30", "gap": "00:00:20", "hold": "00:00:00", "talk": "00:03:10", "alert": "00:00:10", "other": "00:00:00", "handle": "00:03:40", "dialing": "00:00:00", "ended_at": "2024-11-04T11:04:10+00:00", "fragments": 3, "contacting": "00:00:00", "started_at": "2024-11-04T11:00:00+00:00", "answered_at": "2024-11-04T11:00:05+00:00", "interaction_no": 1, "speed_of_answer": "00:00:05"}]
\.


--
-- Name: stitch_store stitch_store_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stitch_store
    ADD CONSTRAINT stitch_store_pkey PRIMARY KEY (client_id);


--
-- Name: calls_mv; Type: MATERIALIZED VIEW DATA; Schema: public; Owner: -
--

REFRESH MATERIALIZED VIEW public.calls_mv;


--
-- PostgreSQL database dump complete
--

\unrestrict lNKFcPZbTn944APgbaEI8nxMmXNIFWlhFVvTaYHxTTc2BDKV9EjiTqfIbKKoWoH

