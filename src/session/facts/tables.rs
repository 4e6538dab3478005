//! The questions candidates actually ask, per built-in design, and the fact each must get (`None`:
//! the interviewer leaves it to the candidate). One table per design, at least twenty questions,
//! written the way people type them — scale, read/write ratio, latency, regions, retention,
//! encryption, consistency, budget, devices, scope. A failing row names the question, the fact it
//! expected and the fact it got, every failing row at once.

use super::{answer_question, deflection};
use crate::catalog::{Catalog, Design};

type Table = &'static [(&'static str, Option<&'static str>)];

fn check(id: &str, table: Table) {
    let catalog = Catalog::builtin();
    let design: &Design = catalog.find(id).unwrap_or_else(|e| panic!("no built-in design {id}: {e}"));
    assert!(table.len() >= 20, "{id}: only {} questions", table.len());
    let facts = &design.rubric.facts;
    let wrong: Vec<String> = table
        .iter()
        .filter_map(|(q, want)| {
            let got = answer_question(facts, q).map(|f| f.id.as_str());
            (got != *want).then(|| format!("{q:?}: want {want:?}, got {got:?}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{id}: {} of {} questions answered wrongly:\n{}",
        wrong.len(),
        table.len(),
        wrong.join("\n")
    );
    for (q, want) in table {
        if want.is_none() {
            let d = deflection(q);
            assert!(facts.iter().all(|f| f.answer != d), "{id}: {q:?} deflected with a fact's answer");
        }
    }
}

/// Every item that rewards *asking* ("Asks …", "Clarifies …") has a fact its question reaches:
/// the table holds a question for it whose fact is named here.
fn asks_items_are_answerable(id: &str, asked: &[(&str, &str)]) {
    let catalog = Catalog::builtin();
    let design = catalog.find(id).unwrap();
    for item in &design.rubric.items {
        let t = item.text.trim_start();
        if t.starts_with("Asks") || t.starts_with("Clarifies") {
            let Some((_, q)) = asked.iter().find(|(i, _)| *i == item.id) else {
                panic!("{id}: item {} rewards asking but no question in the table pins its fact", item.id)
            };
            assert!(
                answer_question(&design.rubric.facts, q).is_some(),
                "{id}: item {} rewards asking, but {q:?} gets no fact",
                item.id
            );
        }
    }
}

const WHATSAPP: Table = &[
    ("How many users do we have?", Some("users")),
    ("How many daily active users?", Some("users")),
    ("What's the MAU?", Some("users")),
    ("How many messages does a user send per day?", Some("message-volume")),
    ("What is the peak traffic?", Some("message-volume")),
    ("How many users are in the largest group?", Some("groups")),
    ("What's the maximum group size?", Some("groups")),
    ("How many phones are connected at the same time?", Some("concurrency")),
    ("How big is a message on average?", Some("payload")),
    ("Do we support photos and video?", Some("payload")),
    ("What latency do we need for delivery?", Some("latency")),
    ("What's the availability target?", Some("availability")),
    ("How long do we keep messages on the server?", Some("retention")),
    ("Do we need to store chat history?", Some("retention")),
    ("Do we need end-to-end encryption?", Some("encryption")),
    ("Can the server read the messages?", Some("encryption")),
    ("Does a user have multiple devices?", Some("devices")),
    ("Should we support read receipts?", Some("receipts")),
    ("Do we need typing indicators?", Some("receipts")),
    ("Do we need online presence and last seen?", Some("receipts")),
    ("Must messages arrive in order?", Some("ordering")),
    ("Can users edit or delete a message?", Some("edits")),
    ("How do we handle spam and abuse?", Some("abuse")),
    ("Is there a budget for servers?", Some("budget")),
    ("Which regions are the users in?", Some("regions")),
    ("Are voice and video calls in scope?", Some("scope")),
    ("Is anything out of scope?", Some("scope")),
    ("What colour is the app icon?", None),
];

#[test]
fn whatsapp_questions_get_the_right_fact() {
    check("whatsapp", WHATSAPP);
    asks_items_are_answerable(
        "whatsapp",
        &[
            ("req-e2e-encryption", "Do we need end-to-end encryption?"),
            ("req-multi-device", "Does a user have multiple devices?"),
            ("req-retention", "How long do we keep messages on the server?"),
        ],
    );
}

const PAYMENT_SYSTEM: Table = &[
    ("How many payments per day?", Some("volume")),
    ("How many buyers and sellers are there?", Some("volume")),
    ("What's the average order value?", Some("volume")),
    ("What's the peak on Black Friday?", Some("peak")),
    ("Which payment methods do we support?", Some("methods")),
    ("Which currencies and countries?", Some("methods")),
    ("What happens if the processor is down?", Some("psp-outage")),
    ("Do we authorize and capture separately?", Some("captures")),
    ("When do we capture, at shipment?", Some("captures")),
    ("What latency does checkout need?", Some("latency")),
    ("Does the order service call us synchronously?", Some("integration")),
    ("How often are sellers paid out?", Some("money-flow")),
    ("What's our commission?", Some("money-flow")),
    ("How long can buyers ask for refunds?", Some("money-flow")),
    ("Do we need KYC for sellers?", Some("kyc")),
    ("How do we handle fraud?", Some("fraud")),
    ("Do we need 3-D Secure?", Some("fraud")),
    ("Are we in PCI scope?", Some("compliance")),
    ("How long do we keep records?", Some("retention")),
    ("What's the availability target?", Some("availability")),
    ("Which regions do we run in?", Some("regions")),
    ("Is there a budget?", Some("budget")),
    ("Are subscriptions in scope?", Some("scope")),
    ("Do we use Adyen or Stripe?", Some("methods")),
    ("Do we support Apple Pay?", Some("methods")),
    ("Could we buy Stripe Connect instead of building this?", Some("build-vs-buy")),
    ("What colour is the checkout button?", None),
];

#[test]
fn payment_system_questions_get_the_right_fact() {
    check("payment-system", PAYMENT_SYSTEM);
    asks_items_are_answerable(
        "payment-system",
        &[
            ("req-psp-integration", "Which processors do we use?"),
            ("req-money-flow", "How often are sellers paid out?"),
            ("req-build-vs-buy-question", "Could we buy Stripe Connect instead of building this?"),
        ],
    );
}

const NEWS_FEED: Table = &[
    ("How many daily active users?", Some("users")),
    ("How many users do we have?", Some("users")),
    ("How often do users open the feed?", Some("reads")),
    ("What's the read/write ratio?", Some("reads")),
    ("How many posts per day?", Some("posts")),
    ("How big is a post?", Some("posts")),
    ("Do posts have photos and videos?", Some("posts")),
    ("How many followers does a typical account have?", Some("graph")),
    ("Are there celebrities with millions of followers?", Some("graph")),
    ("Is following one-way or mutual friends?", Some("graph")),
    ("What latency should the feed load have?", Some("latency")),
    ("How fresh must the feed be?", Some("latency")),
    ("Is the feed ranked or chronological?", Some("ranking")),
    ("How many accounts are inactive?", Some("activity")),
    ("How long do we keep posts?", Some("retention")),
    ("Can users edit or delete posts?", Some("edits-deletes")),
    ("Are there private accounts or privacy settings?", Some("privacy")),
    ("Can users block someone?", Some("privacy")),
    ("What's the availability target?", Some("availability")),
    ("Which regions do we serve?", Some("regions")),
    ("Do we show a new posts notification while the feed is open?", Some("new-posts")),
    ("Do we need to track which posts were already seen?", Some("new-posts")),
    ("Is there a budget?", Some("budget")),
    ("Are ads in scope?", Some("scope")),
    ("Do we support comments?", Some("scope")),
    ("What colour is the like button?", None),
];

#[test]
fn news_feed_questions_get_the_right_fact() {
    check("news-feed", NEWS_FEED);
    asks_items_are_answerable(
        "news-feed",
        &[
            ("req-follower-skew", "How many followers does a typical account have?"),
            ("req-ranking", "Is the feed ranked or chronological?"),
        ],
    );
}

const SEARCH: Table = &[
    ("How many daily active users?", Some("users")),
    ("How many searches per day?", Some("queries")),
    ("What's the query volume at peak?", Some("queries")),
    ("How many new posts per day?", Some("corpus")),
    ("How far back must search go?", Some("corpus")),
    ("How big is a post?", Some("post-shape")),
    ("What latency do we need?", Some("latency")),
    ("How soon must a new post be searchable?", Some("freshness")),
    ("How old are the posts people search for?", Some("recency")),
    ("How are results ranked?", Some("ranking")),
    ("Is search personalized?", Some("ranking")),
    ("Can posts be deleted?", Some("visibility")),
    ("Do we search protected accounts?", Some("visibility")),
    ("Which languages do we support?", Some("languages")),
    ("How often do like counts change?", Some("engagement")),
    ("Can posts be edited?", Some("engagement")),
    ("Which filters do we need?", Some("filters")),
    ("What's the availability target?", Some("availability")),
    ("Which regions do we serve?", Some("regions")),
    ("How much spam is there?", Some("spam")),
    ("Is there a budget, or can we just use Elasticsearch?", Some("budget")),
    ("Is image search in scope?", Some("scope")),
    ("Do we need typeahead?", Some("scope")),
    ("What font do results use?", None),
];

#[test]
fn search_questions_get_the_right_fact() {
    check("search", SEARCH);
    asks_items_are_answerable(
        "search",
        &[
            ("req-recency-distribution", "How old are the posts people search for?"),
            ("req-languages", "Which languages do we support?"),
            ("req-visibility-deletes", "Can posts be deleted?"),
        ],
    );
}

const URL_SHORTENER: Table = &[
    ("How many new links per month?", Some("scale")),
    ("How many users do we have?", Some("scale")),
    ("What's the read/write ratio?", Some("read-ratio")),
    ("How many redirects at peak?", Some("read-ratio")),
    ("Are some links much more popular than others?", Some("read-ratio")),
    ("What latency do redirects need?", Some("latency")),
    ("What's the availability target?", Some("availability")),
    ("How long do links live?", Some("retention")),
    ("Do links expire?", Some("retention")),
    ("Can owners delete links?", Some("retention")),
    ("Can users pick a custom alias?", Some("custom-alias")),
    ("Do we need click analytics?", Some("analytics")),
    ("Where are the users located?", Some("regions")),
    ("How long are the URLs?", Some("url-size")),
    ("How short should the code be?", Some("code-length")),
    ("How do we deal with spam and phishing?", Some("abuse")),
    ("Can users change the destination of a link?", Some("editing")),
    ("Do clients need API keys?", Some("clients")),
    ("If the same URL is shortened twice, same code?", Some("dedupe")),
    ("Is there a budget?", Some("budget")),
    ("Do we need custom domains?", Some("scope")),
    ("What colour is the logo?", None),
];

#[test]
fn url_shortener_questions_get_the_right_fact() {
    check("url-shortener", URL_SHORTENER);
    asks_items_are_answerable(
        "url-shortener",
        &[("req-abuse-lifecycle", "How do we deal with spam and phishing?")],
    );
}

const ECOMMERCE_CART: Table = &[
    ("How many users do we have?", Some("users")),
    ("How many daily active shoppers?", Some("users")),
    ("How often is the cart viewed?", Some("reads")),
    ("What's the read/write ratio?", Some("reads")),
    ("What does Black Friday look like?", Some("peak")),
    ("How many items are in a cart?", Some("cart-size")),
    ("Is there a maximum quantity per item?", Some("cart-size")),
    ("How long do we keep carts?", Some("retention")),
    ("Do abandoned carts expire?", Some("retention")),
    ("What latency does add-to-cart need?", Some("latency")),
    ("What's the availability target?", Some("availability")),
    ("Can we ever lose an item a shopper added?", Some("availability")),
    ("Can guests add to a cart without an account?", Some("devices")),
    ("Do shoppers use multiple devices?", Some("devices")),
    ("Does adding to the cart reserve stock?", Some("inventory")),
    ("Can prices change after an item is added?", Some("pricing")),
    ("Are coupons applied in the cart?", Some("pricing")),
    ("Which regions do we sell in?", Some("regions")),
    ("Who owns checkout and payment?", Some("checkout")),
    ("Is there a budget?", Some("budget")),
    ("Are recommendations in scope?", Some("scope")),
    ("What font does the website use?", None),
];

#[test]
fn ecommerce_cart_questions_get_the_right_fact() {
    check("ecommerce-cart", ECOMMERCE_CART);
    asks_items_are_answerable(
        "ecommerce-cart",
        &[
            ("req-identity", "Can guests add to a cart without an account?"),
            ("req-price-stock-semantics", "Does adding to the cart reserve stock?"),
        ],
    );
}

// The five designs below are content-b's. The tables are written against their facts as merged into
// main (60c138f); this branch still has the older rubrics, so the tests are ignored here and are
// meant to run, un-ignored, once this branch is merged. A row marked "gap" expects a fact that
// exists but whose triggers miss the question (reported to the lead).

const ANALYTICS_PIPELINE: Table = &[
    ("How many daily active users?", Some("users")),
    ("How many events per day?", Some("volume")),
    ("How big is an event?", Some("event-size")),
    ("What's the peak event rate?", Some("volume")),
    ("How fresh must dashboards be?", Some("freshness")),
    ("How late can events arrive?", Some("late-data")),
    ("Can device clocks be wrong?", Some("late-data")),
    ("How long do we keep raw events?", Some("retention")),
    ("How do we handle GDPR deletion requests?", Some("retention")),
    ("Who uses the data?", Some("consumers")),
    ("How many dashboards and analysts are there?", Some("consumers")),
    ("Is billing based on this data?", Some("consumers")),
    ("How many event types are there?", Some("schema")),
    ("Who owns the event schemas?", Some("schema")),
    ("Do numbers need to be exact or approximate?", Some("accuracy")),
    ("Are duplicates acceptable?", Some("accuracy")),
    ("Which regions are the users in?", Some("regions")),
    ("Are we on a cloud or on-prem?", Some("platform")),
    ("Is there a budget?", Some("platform")),
    ("Do bots send events too?", Some("bots")),
    ("How do we tie anonymous events to a user after login?", Some("identity")),
    ("How is a session defined?", Some("sessions")),
    ("What font do we use?", None),
];

#[test]

fn analytics_pipeline_questions_get_the_right_fact() {
    check("analytics-pipeline", ANALYTICS_PIPELINE);
    asks_items_are_answerable(
        "analytics-pipeline",
        &[
            ("req-consumers-freshness", "Who uses the data?"),
            ("req-accuracy", "Do numbers need to be exact or approximate?"),
            ("req-late-data", "How late can events arrive?"),
            ("req-retention-privacy", "How long do we keep raw events?"),
        ],
    );
}

const AUTH_SERVICE: Table = &[
    ("How many users do we have?", Some("users")),
    ("How many accounts?", Some("users")),
    ("How many apps use the service?", Some("users")),
    ("How many logins per day?", Some("logins")),
    ("What's the peak login rate?", Some("logins")),
    ("How many credential stuffing attacks do we see?", Some("logins")), // gap: "attacks"
    ("How many API calls need token validation?", Some("api-traffic")),
    ("How often are tokens refreshed?", Some("api-traffic")),
    ("What latency does login need?", Some("latency")),
    ("What's the availability target?", Some("latency")),
    ("How long do users stay signed in?", Some("sessions")),
    ("How fast must a revoked session stop working?", Some("sessions")),
    ("Do we need MFA?", Some("mfa")),
    ("Do we support passkeys?", Some("mfa")),
    ("Which regions are users in?", Some("regions")),
    ("How are passwords hashed today?", Some("hashing")),
    ("Do users have duplicate accounts across apps?", Some("existing-accounts")),
    ("Do we need SSO across our apps?", Some("sso")),
    ("Do we need SAML for enterprise customers?", Some("sso")),
    ("Do partner apps act on behalf of users?", Some("partners")),
    ("How do services authenticate to each other?", Some("service-auth")),
    ("Which compliance rules apply?", Some("compliance")),
    ("Do we need social login with Google?", Some("social-login")),
    ("What font do we use?", None),
];

#[test]

fn auth_service_questions_get_the_right_fact() {
    check("auth-service", AUTH_SERVICE);
    asks_items_are_answerable(
        "auth-service",
        &[
            ("req-session-policy", "How long do users stay signed in?"),
            ("req-existing-logins", "Do users have duplicate accounts across apps?"),
        ],
    );
}

const BOOKING_SYSTEM: Table = &[
    ("How many visitors per day?", Some("users")),
    ("How many bookings per day?", Some("bookings")),
    ("How many hotels are there?", Some("inventory")),
    ("Do guests book a specific room or a room type?", Some("inventory")),
    ("How far in advance can guests book?", Some("inventory")),
    ("What's the look-to-book ratio?", Some("look-to-book")),
    ("Do partner sites query our availability?", Some("look-to-book")),
    ("What latency does search need?", Some("latency")),
    ("Do guests pay at booking or at the hotel?", Some("payment")),
    ("How long is a room held during checkout?", Some("hold")),
    ("Can bookings be cancelled?", Some("cancellation")), // gap: "cancelled" stems apart from "cancel"
    ("Can a guest modify a booking?", Some("cancellation")),
    ("Do hotels sell the same rooms on other sites?", Some("channels")),
    ("Is overbooking ever allowed?", Some("channels")),
    ("How long do we keep reservations?", Some("retention")),
    ("Do prices change per night?", Some("rates")),
    ("Which currencies do we support?", Some("rates")),
    ("Which regions are the guests in?", Some("regions")),
    ("Can one booking have several rooms?", Some("booking-shape")),
    ("Are reviews in scope?", Some("scope")),
    ("Is there a budget?", Some("platform")),
    ("Can search results be stale?", Some("freshness")),
    ("What font do we use?", None),
];

#[test]

fn booking_system_questions_get_the_right_fact() {
    check("booking-system", BOOKING_SYSTEM);
    asks_items_are_answerable(
        "booking-system",
        &[
            ("req-hold-and-cancellation", "Do guests pay at booking or at the hotel?"),
            ("req-source-of-truth", "Do hotels sell the same rooms on other sites?"),
        ],
    );
}

const NOTIFICATION_SYSTEM: Table = &[
    ("How many users do we have?", Some("users")),
    ("How many devices per user?", Some("users")),
    ("How many notifications per day?", Some("volume")),
    ("How many SMS per day?", Some("volume")),
    ("Which channels do we support?", Some("channels")),
    ("How big is the largest campaign?", Some("campaigns")),
    ("How fast must an OTP arrive?", Some("latency")),
    ("What latency do transactional messages need?", Some("latency")),
    ("How long do we keep notification history?", Some("retention")),
    ("Is there an in-app inbox?", Some("channels")),
    ("Which push providers do we use?", Some("providers")),
    ("Is there an FCM quota?", Some("providers")),
    ("Which regions are users in?", Some("regions")),
    ("How much does SMS cost?", Some("cost")),
    ("Is there a budget?", Some("cost")),
    ("Can users opt out of notifications?", Some("preferences")),
    ("Do we need quiet hours?", Some("preferences")),
    ("Do we need templates and localisation?", Some("templates")),
    ("Which services may send notifications?", Some("callers")),
    ("Is exactly-once delivery required?", Some("guarantees")),
    ("Do we track open rates?", Some("tracking")),
    ("What font do we use?", None),
];

#[test]

fn notification_system_questions_get_the_right_fact() {
    check("notification-system", NOTIFICATION_SYSTEM);
    asks_items_are_answerable(
        "notification-system",
        &[
            ("req-channels-and-callers", "Which channels do we support?"),
            ("req-priority-classes", "How fast must an OTP arrive?"),
            ("req-preferences-compliance", "Can users opt out of notifications?"),
        ],
    );
}

const ORDER_PROCESSING: Table = &[
    ("How many orders per day?", Some("scale")),
    ("How many daily active shoppers?", Some("scale")), // gap: "shoppers"
    ("What's the peak on Black Friday?", Some("scale")),
    ("How big is an order?", Some("order-size")),
    ("How many items per order?", Some("order-size")),
    ("How long does the customer wait for the result?", Some("latency")),
    ("Which payment provider do we use?", Some("payments")),
    ("What happens if the payment provider times out?", Some("payments")),
    ("How many warehouses are there?", Some("inventory")),
    ("Can an order be split across warehouses?", Some("inventory")),
    ("Is there a fraud check?", Some("fraud")),
    ("Can customers cancel an order?", Some("cancellation")),
    ("Are returns in scope?", Some("cancellation")),
    ("What must never happen, like double charges?", Some("correctness")),
    ("How long do we keep orders?", Some("retention")),
    ("Do we need an audit trail?", Some("retention")),
    ("Which regions do we sell in?", Some("regions")),
    ("Is there a budget?", Some("platform")),
    ("How big is the team?", Some("platform")),
    ("How is the customer notified?", Some("notifications")),
    ("Can customers pre-order items?", Some("preorders")),
    ("What font do we use?", None),
];

#[test]

fn order_processing_questions_get_the_right_fact() {
    check("order-processing", ORDER_PROCESSING);
    asks_items_are_answerable(
        "order-processing",
        &[
            ("req-audit-retention", "Do we need an audit trail?"),
            ("req-sync-vs-async", "How long does the customer wait for the result?"),
        ],
    );
}
